package io.ferry.api.inventory;

/** Operating system family of a managed server or a guest. */
public enum OsFamily {
    WINDOWS,
    LINUX
}

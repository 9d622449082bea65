package io.ferry.api.inventory;

/** Whether a managed server is a physical machine or a virtual machine. */
public enum MachineKind {
    PHYSICAL,
    VIRTUAL
}

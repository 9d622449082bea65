package io.ferry.plugin.proxmox.internal.qemu;

import io.ferry.api.FerryException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The root of the fleecing scratch directories (fleecing images and the NBD sockets of VMs
 * being backed up): private to Ferry's user. Created 0700; an existing one is used only if it
 * is a real directory (not a symlink), owned by Ferry's user and not accessible to others, so
 * that another local user cannot pre-create it (the short fallback under {@code /tmp} has a
 * predictable name) to read the fleecing images or plant sockets.
 */
final class ScratchDirectory {

    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private ScratchDirectory() {
    }

    /** {@code root}, created 0700 if missing, checked if present. */
    static Path secure(Path root) {
        try {
            if (!root.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                return Files.createDirectories(root);
            }
            if (root.getParent() != null) {
                Files.createDirectories(root.getParent());
            }
            try {
                Files.createDirectory(root, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                Files.setPosixFilePermissions(root, OWNER_ONLY); // the umask may have removed nothing, but be exact
                return root;
            } catch (FileAlreadyExistsException e) {
                return checked(root);
            }
        } catch (IOException e) {
            throw new FerryException("Cannot create the fleecing scratch directory " + root + ": " + e.getMessage()
                    + " (set scratch.dir in io.ferry.plugin.proxmox.qemu to a directory Ferry's user owns)", e);
        }
    }

    private static Path checked(Path root) throws IOException {
        PosixFileAttributes attrs = Files.readAttributes(root, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String owner = System.getProperty("user.name");
        String problem = null;
        if (attrs.isSymbolicLink() || !attrs.isDirectory()) {
            problem = "it is not a directory (or is a symlink)";
        } else if (!attrs.owner().getName().equals(owner)) {
            problem = "it is owned by " + attrs.owner().getName() + ", not by " + owner;
        } else if (attrs.permissions().stream().anyMatch(p -> !OWNER_ONLY.contains(p))) {
            // ours: tighten it (an older Ferry created it with the umask)
            Files.setPosixFilePermissions(root, OWNER_ONLY);
        }
        if (problem != null) {
            throw new FerryException("The fleecing scratch directory " + root + " cannot be trusted: " + problem
                    + ". Remove it, or set scratch.dir in io.ferry.plugin.proxmox.qemu to a directory Ferry's user"
                    + " owns");
        }
        return root;
    }
}

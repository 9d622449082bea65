package io.ferry.jobs.internal;

/**
 * Names derived from a VM and a disk label. The repository's chain key of a disk (the
 * {@code BackupRequest.disk} that links its incremental backups, prunes them together and
 * keys the changed-block ledger) is {@code VM/LABEL}; labels may hold characters a key
 * cannot ({@code Hard disk 1}), which become {@code _}.
 */
final class ChainKeys {

    private ChainKeys() {
    }

    /** {@code vm/label}, e.g. {@code web-01/scsi0:0}, {@code esx-vm/Hard_disk_1}. */
    static String of(String vm, String label) {
        return vm + "/" + clean(label, "._:-");
    }

    /** A file name for a restored disk: {@code VM-LABEL.raw} with {@code :} and other odd characters as {@code _}. */
    static String restoreFileName(String vm, String label) {
        return vm + "-" + clean(label, "._-") + ".raw";
    }

    private static String clean(String label, String allowed) {
        StringBuilder out = new StringBuilder(label.length());
        for (char c : label.toCharArray()) {
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || allowed.indexOf(c) >= 0;
            out.append(ok ? c : '_');
        }
        return out.toString();
    }
}

package io.ferry.shell.internal;

import io.ferry.api.FerryException;
import io.ferry.api.inventory.InventoryTransfer;
import java.io.OutputStream;
import java.util.function.BiConsumer;

/**
 * {@code --json} output: written by {@link InventoryTransfer} to the command's standard
 * output (inside Karaf, {@code System.out} is the session's console), so it has the shape of
 * the export file.
 */
final class JsonOutput {

    private JsonOutput() {
    }

    /**
     * Writes JSON through {@code writer} to the console.
     *
     * @param transfer null when no transfer service is running
     */
    static void print(InventoryTransfer transfer, BiConsumer<InventoryTransfer, OutputStream> writer) {
        if (transfer == null) {
            throw new FerryException("--json needs the inventory transfer service, which is not running"
                    + " (check the io.ferry.inventory bundle with bundle:list)");
        }
        NonClosingOutput out = new NonClosingOutput(System.out);
        writer.accept(transfer, out);
        out.finish();
    }
}

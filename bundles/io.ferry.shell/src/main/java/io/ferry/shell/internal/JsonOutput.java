package io.ferry.shell.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.ferry.api.FerryException;
import io.ferry.api.inventory.InventoryTransfer;
import io.ferry.api.job.Job;
import io.ferry.json.FerryJson;
import io.ferry.json.Views;
import java.io.OutputStream;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * {@code --json} output, written to the command's standard output (inside Karaf,
 * {@code System.out} is the session's console): the inventory's servers, hosts and VMs by
 * {@link InventoryTransfer}, in the shape of the export file; every other record through the
 * one JSON mapping the REST API answers with too (io.ferry.json: {@link FerryJson},
 * {@link Views}), so the shell and {@code /api/v1} say the same thing, laid out like the
 * export file.
 */
final class JsonOutput {
    /** The views of the API records, as the REST API shows them. */
    static final Views VIEWS = new Views();

    private JsonOutput() {
    }

    /** A record or a JSON tree of {@link #VIEWS}, as JSON text, to the console. */
    static void print(Object value) {
        System.out.print(FerryJson.text(value));
    }

    /** Jobs as GET /api/v1/jobs lists them (the jobs entries of the export file, plus id and version). */
    static ArrayNode jobs(List<Job> jobs) {
        ArrayNode a = FerryJson.mapper().createArrayNode();
        jobs.forEach(job -> a.add(VIEWS.job(job)));
        return a;
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

package io.ferry.shell.internal;

import static io.ferry.shell.internal.CommandHarness.inject;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ferry.api.inventory.Platform;
import io.ferry.api.job.JobSpec;
import java.util.ArrayList;
import java.util.List;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.junit.jupiter.api.Test;

class JobCompletersTest {

    @Test
    void jobCompleterOffersJobNames() {
        FakeJobs jobs = new FakeJobs();
        jobs.put(JobSpec.of("web-nightly", Platform.VMWARE, List.of("web-01"), "repo-01"));
        jobs.put(JobSpec.of("sql-hourly", Platform.HYPERV, List.of("sql-01"), "repo-01"));
        JobNameCompleter completer = inject(new JobNameCompleter(), "jobs", jobs);
        assertEquals(List.of("sql-hourly ", "web-nightly "), complete(completer, ""));
        assertEquals(List.of("web-nightly "), complete(completer, "we"));
    }

    @Test
    void platformCompleterUsesShellNames() {
        assertEquals(List.of("hyperv "), complete(new PlatformCompleter(), "hy"));
        assertEquals(List.of("proxmox ", "vmware "), complete(new PlatformCompleter(), "").subList(1, 3));
    }

    private static List<String> complete(Completer completer, String typed) {
        List<String> candidates = new ArrayList<>();
        completer.complete(null, line(typed), candidates);
        return candidates;
    }

    private static CommandLine line(String typed) {
        return new CommandLine() {
            @Override
            public int getCursorArgumentIndex() {
                return 1;
            }

            @Override
            public String getCursorArgument() {
                return typed;
            }

            @Override
            public int getArgumentPosition() {
                return typed.length();
            }

            @Override
            public String[] getArguments() {
                return new String[] {"ferry:x", typed};
            }

            @Override
            public int getBufferPosition() {
                return 8 + typed.length();
            }

            @Override
            public String getBuffer() {
                return "ferry:x " + typed;
            }
        };
    }
}

package io.ferry.shell.internal;

import java.util.ArrayList;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Candidate;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/**
 * Completes operating systems in the form {@code family[:distribution[:version]]}: the
 * families, common distribution prefixes (completed without a trailing space, so the
 * version can follow) and a few full values.
 */
@Service
public class OsCompleter implements Completer {
    static final List<String> PREFIXES = List.of("windows:server:", "windows:client:", "linux:rhel:", "linux:rocky:",
            "linux:alma:", "linux:ubuntu:", "linux:debian:", "linux:sles:");
    static final List<String> VALUES = List.of("windows", "linux", "windows:server:2019", "windows:server:2022",
            "windows:server:2025", "windows:client:11", "linux:rhel:9.4", "linux:rocky:9.3", "linux:ubuntu:24.04",
            "linux:debian:12");

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        List<String> all = new ArrayList<>(VALUES);
        all.addAll(PREFIXES);
        return new StringsCompleter(all).complete(session, commandLine, candidates);
    }

    @Override
    public void completeCandidates(Session session, CommandLine commandLine, List<Candidate> candidates) {
        VALUES.forEach(v -> candidates.add(new Candidate(v, true)));
        PREFIXES.forEach(p -> candidates.add(new Candidate(p, false)));
    }
}

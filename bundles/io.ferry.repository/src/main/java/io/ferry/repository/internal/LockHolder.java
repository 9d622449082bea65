package io.ferry.repository.internal;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Who holds (part of) a repository lock: written to {@code locks/<token>} while held, so
 * that an operation refused with LOCKED can say what it waits for.
 *
 * @param token     file name in {@code locks/}
 * @param pid       process id
 * @param host      host name
 * @param operation "backup", "restore", "verify" or "prune"
 * @param detail    e.g. the backup id and disk
 * @param since     when the lock was taken
 */
record LockHolder(String token, long pid, String host, String operation, String detail, Instant since) {

    static final String PRUNE = "prune";

    LockHolder {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(since, "since");
    }

    /** "backup 20261123T171501Z-3fa9c2 of disk 'web-01/disk0' (pid 4711 on host px-01 since 2026-11-23T17:15:01Z)". */
    String describe() {
        return (detail.isEmpty() ? operation : detail) + " (" + who() + ")";
    }

    /** "pid 4711 on host px-01 since 2026-11-23T17:15:01Z". */
    String who() {
        return "pid " + pid + " on host " + host + " since " + since;
    }

    String toJson() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("pid", pid);
        f.put("host", host);
        f.put("operation", operation);
        f.put("detail", detail);
        f.put("since", since.toString());
        return FlatJson.write(f);
    }

    static LockHolder parse(String token, String json) {
        Map<String, Object> f = FlatJson.parse(json);
        return new LockHolder(token, FlatJson.number(f, "pid"), FlatJson.text(f, "host"),
                FlatJson.text(f, "operation"), FlatJson.text(f, "detail"), Instant.parse(FlatJson.text(f, "since")));
    }
}

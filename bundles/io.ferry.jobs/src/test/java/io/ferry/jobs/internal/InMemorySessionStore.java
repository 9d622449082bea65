package io.ferry.jobs.internal;

import io.ferry.api.ConflictException;
import io.ferry.api.NotFoundException;
import io.ferry.api.session.ChangedBlockLedger;
import io.ferry.api.session.GuestRecord;
import io.ferry.api.session.Session;
import io.ferry.api.session.SessionStatus;
import io.ferry.api.session.SessionStore;
import io.ferry.api.session.TaskRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A {@link SessionStore} in memory, with the semantics of the database one (test fake). */
final class InMemorySessionStore implements SessionStore {

    private final Map<String, Session> sessions = new LinkedHashMap<>();
    private final Map<String, ChangedBlockLedger> ledger = new LinkedHashMap<>();
    private final List<String> taskSaves = new ArrayList<>();

    @Override
    public synchronized Session create(Session session) {
        if (sessions.containsKey(session.id())) {
            throw new ConflictException("session " + session.id() + " exists");
        }
        sessions.put(session.id(), session);
        return session;
    }

    @Override
    public synchronized void saveTask(String sessionId, TaskRecord task) {
        Session s = require(sessionId);
        List<TaskRecord> tasks = new ArrayList<>(s.tasks());
        int i = indexOf(tasks, task.id());
        if (i < 0) {
            tasks.add(task);
        } else {
            tasks.set(i, task);
        }
        taskSaves.add(task.id() + "=" + task.status());
        sessions.put(sessionId, new Session(s.id(), s.job(), s.trigger(), s.retryOf(), s.status(), s.started(),
                s.finished(), tasks, s.guests(), s.message()));
    }

    @Override
    public synchronized void saveGuest(String sessionId, GuestRecord guest) {
        Session s = require(sessionId);
        List<GuestRecord> guests = new ArrayList<>(s.guests());
        guests.removeIf(g -> g.vm().equalsIgnoreCase(guest.vm()));
        guests.add(guest);
        sessions.put(sessionId, new Session(s.id(), s.job(), s.trigger(), s.retryOf(), s.status(), s.started(),
                s.finished(), s.tasks(), guests, s.message()));
    }

    @Override
    public synchronized Session finish(String sessionId, SessionStatus status, Instant finished, String message) {
        Session s = require(sessionId);
        Session done = new Session(s.id(), s.job(), s.trigger(), s.retryOf(), status, s.started(), finished, s.tasks(),
                s.guests(), message);
        sessions.put(sessionId, done);
        return done;
    }

    @Override
    public synchronized Optional<Session> session(String idOrPrefix) {
        Session exact = sessions.get(idOrPrefix);
        if (exact != null) {
            return Optional.of(exact);
        }
        List<Session> matches = sessions.values().stream().filter(s -> s.id().startsWith(idOrPrefix)).toList();
        return matches.size() == 1 ? Optional.of(matches.get(0)) : Optional.empty();
    }

    @Override
    public synchronized List<Session> sessions(String job, int limit) {
        return sessions.values().stream().filter(s -> job == null || s.job().equalsIgnoreCase(job))
                .sorted(Comparator.comparing(Session::id).reversed()).limit(limit).toList();
    }

    @Override
    public synchronized List<Session> failInterrupted(Instant now) {
        List<Session> failed = new ArrayList<>();
        for (Session s : List.copyOf(sessions.values())) {
            if (s.status() == SessionStatus.RUNNING) {
                failed.add(finish(s.id(), SessionStatus.FAILED, now,
                        "interrupted: Ferry stopped while the session was running"));
            }
        }
        return failed;
    }

    @Override
    public synchronized Optional<ChangedBlockLedger> ledger(String disk) {
        return Optional.ofNullable(ledger.get(disk));
    }

    @Override
    public synchronized void saveLedger(ChangedBlockLedger entry) {
        ledger.put(entry.disk(), entry);
    }

    /** Every task state saved, as "task=STATUS", in order. */
    synchronized List<String> taskSaves() {
        return List.copyOf(taskSaves);
    }

    private Session require(String id) {
        Session s = sessions.get(id);
        if (s == null) {
            throw new NotFoundException("no session " + id);
        }
        return s;
    }

    private static int indexOf(List<TaskRecord> tasks, String id) {
        for (int i = 0; i < tasks.size(); i++) {
            if (tasks.get(i).id().equals(id)) {
                return i;
            }
        }
        return -1;
    }
}

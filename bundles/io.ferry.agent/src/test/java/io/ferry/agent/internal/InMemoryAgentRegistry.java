package io.ferry.agent.internal;

import io.ferry.api.agent.AgentCapabilities;
import io.ferry.api.agent.AgentInfo;
import io.ferry.api.agent.AgentRegistry;
import io.ferry.api.agent.EnrollmentRefusedException;
import io.ferry.api.agent.EnrollmentToken;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** The agent registry of the tests: tokens, agents and heartbeats in memory (the catalog's is a12reg's). */
final class InMemoryAgentRegistry implements AgentRegistry {
    record Beat(String server, String address, AgentCapabilities capabilities, int running, Instant at) {
    }

    private record Token(String server, Instant expires, boolean used) {
    }

    private final Map<String, Token> tokens = new ConcurrentHashMap<>();
    private final Map<String, AgentInfo> agents = new ConcurrentHashMap<>();
    final List<Beat> heartbeats = new CopyOnWriteArrayList<>();
    final AtomicInteger redeemCalls = new AtomicInteger();

    @Override
    public EnrollmentToken createToken(String server, Duration validity, String caFingerprint) {
        SecureRandom random = new SecureRandom();
        byte[] id = new byte[8];
        byte[] secret = new byte[32];
        random.nextBytes(id);
        random.nextBytes(secret);
        EnrollmentToken.Text text = new EnrollmentToken.Text(HexFormat.of().formatHex(id),
                Base64.getUrlEncoder().withoutPadding().encodeToString(secret), caFingerprint);
        Instant now = Instant.now();
        tokens.put(text.toString(), new Token(server, now.plus(validity), false));
        return new EnrollmentToken(text.id(), server, now, now.plus(validity), text.toString());
    }

    @Override
    public String redeem(String text) {
        redeemCalls.incrementAndGet();
        synchronized (tokens) {
            Token token = tokens.get(text);
            if (token == null) {
                throw new EnrollmentRefusedException("unknown enrollment token");
            }
            if (token.used) {
                throw new EnrollmentRefusedException("enrollment token for '" + token.server + "' was already used");
            }
            if (Instant.now().isAfter(token.expires)) {
                throw new EnrollmentRefusedException("enrollment token for '" + token.server + "' expired at "
                        + token.expires);
            }
            tokens.put(text, new Token(token.server, token.expires, true));
            return token.server;
        }
    }

    @Override
    public void enrolled(String server, String certificateFingerprint, Instant certificateExpires) {
        agents.put(server, new AgentInfo(server, certificateFingerprint, certificateExpires, Instant.now(),
                Optional.empty(), Optional.empty(), 0, Optional.empty()));
    }

    @Override
    public Optional<AgentInfo> accepted(String server, String certificateFingerprint) {
        return Optional.ofNullable(agents.get(server)).filter(a -> a.certificateFingerprint()
                .equals(certificateFingerprint));
    }

    @Override
    public void heartbeat(String server, String address, AgentCapabilities capabilities, int runningTasks,
            Instant at) {
        heartbeats.add(new Beat(server, address, capabilities, runningTasks, at));
        agents.computeIfPresent(server, (name, a) -> new AgentInfo(name, a.certificateFingerprint(),
                a.certificateExpires(), a.enrolled(), Optional.of(address), Optional.of(at), runningTasks,
                Optional.of(capabilities)));
    }

    @Override
    public List<AgentInfo> agents() {
        return new ArrayList<>(agents.values());
    }

    @Override
    public boolean remove(String server) {
        return agents.remove(server) != null;
    }

    long beatsOf(String server) {
        return heartbeats.stream().filter(b -> b.server().equals(server)).count();
    }
}

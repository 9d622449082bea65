import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The REST API's load benchmark (bench/rest/run.sh runs it; issue "REST API and web console"):
 *
 *   java RestBench.java pages BASE CA TOKEN LIMIT           walk GET /vms?limit=LIMIT by its next links
 *   java RestBench.java events BASE CA TOKEN JOB SUBSCRIBERS
 *       run JOB, open SUBSCRIBERS event streams on its session, and say how late each
 *       subscriber got each update and the end (one machine, one clock)
 *
 * Prints "key value" lines; latencies in milliseconds. Trusts only the CA file.
 */
public class RestBench {
    private static final Pattern NEXT = Pattern.compile("\"next\"\\s*:\\s*(null|\"([^\"]*)\")");
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern FINISHED = Pattern.compile("\"finished\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern STATUS = Pattern.compile("\"status\"\\s*:\\s*\"([A-Z_]+)\"");

    public static void main(String[] args) throws Exception {
        String base = args[1];
        HttpClient client = HttpClient.newBuilder().sslContext(trusting(Path.of(args[2])))
                .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        String auth = "Bearer " + args[3];
        switch (args[0]) {
            case "pages" -> pages(client, base, auth, Integer.parseInt(args[4]));
            case "events" -> events(client, base, auth, args[4], Integer.parseInt(args[5]));
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    static void pages(HttpClient client, String base, String auth, int limit) throws Exception {
        String origin = URI.create(base).resolve("/").toString().replaceAll("/$", "");
        String next = "/api/v1/vms?limit=" + limit;
        List<Double> millis = new ArrayList<>();
        long items = 0;
        long all = System.nanoTime();
        while (next != null) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(origin + next))
                    .header("Authorization", auth).timeout(Duration.ofSeconds(60)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            millis.add((System.nanoTime() - t0) / 1e6);
            if (r.statusCode() != 200) {
                throw new IllegalStateException(next + ": " + r.statusCode() + " " + r.body());
            }
            items += count(r.body(), "\"name\"") ;
            Matcher m = NEXT.matcher(r.body());
            next = m.find() && m.group(2) != null ? m.group(2) : null;
        }
        report("pages", millis);
        System.out.printf("pages.total_seconds %.1f%n", (System.nanoTime() - all) / 1e9);
        System.out.println("pages.name_fields " + items);
    }

    static void events(HttpClient client, String base, String auth, String job, int subscribers) throws Exception {
        HttpResponse<String> run = client.send(HttpRequest.newBuilder(URI.create(base + "/jobs/" + job + "/run"))
                .header("Authorization", auth).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        if (run.statusCode() != 202) {
            throw new IllegalStateException("run " + job + ": " + run.statusCode() + " " + run.body());
        }
        Matcher id = ID.matcher(run.body());
        id.find();
        String session = id.group(1);
        // per subscriber: the receive time (epoch ms) of each distinct payload, and of the end
        List<Map<String, Long>> received = Collections.synchronizedList(new ArrayList<>());
        List<Long> endDelays = Collections.synchronizedList(new ArrayList<>());
        List<Integer> counts = Collections.synchronizedList(new ArrayList<>());
        String[] finished = new String[1];
        CountDownLatch done = new CountDownLatch(subscribers);
        long opened = System.nanoTime();
        for (int i = 0; i < subscribers; i++) {
            Thread t = new Thread(() -> {
                Map<String, Long> mine = new HashMap<>();
                int events = 0;
                try {
                    HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(URI.create(base + "/sessions/"
                            + session + "/events")).header("Authorization", auth).header("Accept", "text/event-stream")
                            .GET().build(), HttpResponse.BodyHandlers.ofInputStream());
                    if (r.statusCode() != 200) {
                        throw new IllegalStateException("events: " + r.statusCode());
                    }
                    try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                        String event = null;
                        String line;
                        while ((line = in.readLine()) != null) {
                            if (line.startsWith("event: ")) {
                                event = line.substring(7);
                            } else if (line.startsWith("data: ")) {
                                long now = System.currentTimeMillis();
                                events++;
                                mine.putIfAbsent(line.substring(6), now);
                                if ("end".equals(event)) {
                                    Matcher f = FINISHED.matcher(line);
                                    if (f.find()) {
                                        finished[0] = f.group(1);
                                        endDelays.add(now - Instant.parse(f.group(1)).toEpochMilli());
                                    }
                                }
                            }
                        }
                    }
                } catch (Exception e) {
                    System.err.println("subscriber: " + e);
                } finally {
                    received.add(mine);
                    counts.add(events);
                    done.countDown();
                }
            });
            t.setDaemon(true);
            t.start();
        }
        System.out.printf("events.open_all_ms %.0f%n", (System.nanoTime() - opened) / 1e6);
        if (!done.await(30, TimeUnit.MINUTES)) {
            throw new IllegalStateException("the streams did not end within 30 minutes");
        }
        // the same payload reached every subscriber at about the same time: spread = last - first receipt
        Map<String, long[]> spread = new HashMap<>();
        for (Map<String, Long> m : received) {
            m.forEach((payload, at) -> spread.merge(payload, new long[] {at, at},
                    (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])}));
        }
        List<Double> spreads = new ArrayList<>();
        spread.values().forEach(s -> spreads.add((double) (s[1] - s[0])));
        report("events.spread", spreads);
        List<Double> ends = new ArrayList<>();
        endDelays.forEach(d -> ends.add((double) d));
        report("events.end_delay", ends);
        System.out.println("events.subscribers_ended " + ends.size() + " of " + subscribers);
        System.out.println("events.distinct_updates " + spread.size());
        System.out.println("events.per_subscriber_min " + counts.stream().mapToInt(Integer::intValue).min().orElse(0));
        System.out.println("events.session " + session + " finished " + finished[0]);
    }

    private static long count(String text, String needle) {
        long n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    private static void report(String name, List<Double> values) {
        if (values.isEmpty()) {
            System.out.println(name + ".count 0");
            return;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        System.out.printf("%s.count %d%n%s.p50 %.1f%n%s.p95 %.1f%n%s.max %.1f%n", name, sorted.size(), name,
                at(sorted, 0.50), name, at(sorted, 0.95), name, sorted.get(sorted.size() - 1));
    }

    private static double at(List<Double> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }

    private static SSLContext trusting(Path ca) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(ca)) {
            trust.setCertificateEntry("ferry-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}

package io.vigil.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * Part 4: {@code GET /api/v1/sessions/{id}} for an active session with the owner's token, from N keep-alive
 * connections in a closed loop (each sends its next request when the previous answer is in), next to baselines
 * measured the same way in the same run.
 */
final class ReadBench {
    private static final String USER = "reader";
    private static final int MAX_SAMPLES = 2_000_000;
    private final BenchSystem system;
    private final Options options;
    private final Report report;
    private final Http http;

    ReadBench(BenchSystem system, Options options, Report report, Http http) {
        this.system = system;
        this.options = options;
        this.report = report;
        this.http = http;
    }

    record Load(String name, long requests, double seconds, Stats latencyMs, long errors, Map<String, Long> statuses) {
        double perSecond() {
            return requests / seconds;
        }
    }

    void run() throws Exception {
        report.heading("4. Query throughput: GET /api/v1/sessions/{id}");
        String token = system.token(USER);
        HttpClient setup = http.client("bench-read-setup", 1);
        Http.Reply reply = Http.await(Http.post(setup, "/api/v1/sessions", token, Http.sessionRequest("ubuntu-22-04")));
        String id = reply.json().path("id").asString();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline && !"active".equals(Http.await(Http.get(setup, "/api/v1/sessions/" + id, token))
                .json().path("status").asString())) {
            BenchSystem.sleep(Duration.ofMillis(20));
        }
        system.awaitProcessorsIdle(Duration.ofSeconds(60));
        String session = "/api/v1/sessions/" + id;
        String liveness = "/actuator/health/liveness";
        if (Http.await(Http.get(setup, liveness, null)).status() != 200) {
            liveness = "/actuator/info";
        }
        String version = "/api2/json/version";
        http.release("bench-read-setup");

        int c = options.connections();
        Duration warm = options.warmup().multipliedBy(2);
        Duration measure = options.readDuration();
        // JIT first, on the path under test: on 2 busy cores C2 needs a minute or more of this load; after 30 s
        // the first figures were still the compiler's (~2,500 req/s), after 90 s they matched later runs (~5,700)
        load("warm-up", system.baseUrl(), session, "Bearer " + token, c, options.readWarmup(), Duration.ZERO);
        Load main = load("GET " + session.replace(id, "{id}") + " (JWT + R2DBC + JSON)", system.baseUrl(), session,
                "Bearer " + token, c, warm, measure);
        Load bare = load("GET " + liveness + " without a token (no auth, no database)", system.baseUrl(), liveness,
                null, c, warm, measure);
        Load jwt = load("GET " + liveness + " with the bearer token (JWT checked, no database)", system.baseUrl(),
                liveness, "Bearer " + token, c, warm, measure);
        String simulator = system.proxmox.baseUrl().replace("/api2/json", "");
        Load netty = load("Proxmox simulator GET " + version + " (plain Reactor Netty, no Spring)", simulator, version,
                "PVEAPIToken=" + BenchSystem.PROXMOX_TOKEN_ID + "=" + BenchSystem.PROXMOX_TOKEN_SECRET, c, warm, measure);

        Load again = load("GET " + session.replace(id, "{id}") + " again, after the baselines", system.baseUrl(), session,
                "Bearer " + token, c, warm, measure);

        report.line(c + " keep-alive connections, closed loop, " + measure.toSeconds() + " s measured after "
                + warm.toSeconds() + " s warm-up each (and " + options.readWarmup().toSeconds() + " s of the session GET"
                + " before the first); the load generator runs in the same JVM on its own 2 event-loop threads"
                + " (`bench-client-*`) and shares the machine's cores with the server and PostgreSQL.");
        report.line("");
        List<List<String>> rows = new ArrayList<>();
        for (Load l : List.of(main, bare, jwt, netty, again)) {
            rows.add(List.of(l.name(), Stats.rate(l.perSecond()), Stats.ms(l.latencyMs().percentile(50)),
                    Stats.ms(l.latencyMs().percentile(99)), Stats.ms(l.latencyMs().max()), String.valueOf(l.errors()),
                    l.statuses().toString()));
        }
        report.table(List.of("endpoint", "req/s", "p50 ms", "p99 ms", "max ms", "errors", "statuses"), rows);
        report.line("Ratios: session GET / no-auth baseline = **" + Stats.ratio(main.perSecond() / bare.perSecond())
                + "**; session GET / JWT-only = " + Stats.ratio(main.perSecond() / jwt.perSecond())
                + "; JWT-only / no-auth = " + Stats.ratio(jwt.perSecond() / bare.perSecond()) + ".");
        report.line("");
        report.verdict("GET /api/v1/sessions/{id} ≥ 5,000 req/s", main.perSecond() >= 5000 && main.errors() == 0,
                Stats.rate(main.perSecond()) + " req/s, p50 " + Stats.ms(main.latencyMs().percentile(50)) + " ms, p99 "
                        + Stats.ms(main.latencyMs().percentile(99)) + " ms, " + main.errors() + " errors (the repeat: "
                        + Stats.rate(again.perSecond()) + " req/s, " + String.format(java.util.Locale.ROOT, "%+.0f %%",
                        (again.perSecond() / main.perSecond() - 1) * 100) + ")");

        if (options.profile()) {
            load("warm-up", system.baseUrl(), session, "Bearer " + token, c, warm, Duration.ZERO);
            long start = System.nanoTime();
            var recording = Profiler.start();
            Load profiled = load("GET " + session.replace(id, "{id}") + " under the profiler", system.baseUrl(), session,
                    "Bearer " + token, c, Duration.ZERO, measure);
            Profiler.Result profile = Profiler.stop(recording, (System.nanoTime() - start) / 1e9);
            profile.report(report, c, profiled.perSecond());
        }
    }

    /** Closed loop: each of {@code connections} virtual users sends, waits for the answer, sends again. */
    private Load load(String name, String base, String uri, String authorization, int connections, Duration warmup,
                      Duration measure) {
        String pool = "bench-load-" + Integer.toHexString(name.hashCode());
        HttpClient client = http.client(pool, connections)
                .baseUrl(base)
                .headers(h -> {
                    if (authorization != null) {
                        h.set("Authorization", authorization);
                    }
                });
        Recorder recorder = null;
        long start;
        double seconds;
        try {
            if (!warmup.isZero()) {
                drive(client, uri, connections, warmup, null);
            }
            if (measure.isZero()) {
                return null;
            }
            recorder = new Recorder();
            start = System.nanoTime();
            drive(client, uri, connections, measure, recorder);
            seconds = (System.nanoTime() - start) / 1e9;
        } finally {
            http.release(pool);
        }
        Load load = new Load(name, recorder.count.get(), seconds, Stats.ofNanos(recorder.latencies,
                Math.min(recorder.count.get(), MAX_SAMPLES)), recorder.errors.sum(), Map.copyOf(recorder.statuses));
        System.out.printf("   %-75s %,10.0f req/s  p50 %s ms  p99 %s ms  errors %d%n", name, load.perSecond(),
                Stats.ms(load.latencyMs().percentile(50)), Stats.ms(load.latencyMs().percentile(99)), load.errors());
        return load;
    }

    private static void drive(HttpClient client, String uri, int connections, Duration duration, Recorder recorder) {
        long end = System.nanoTime() + duration.toNanos();
        Mono<Void> oneUser = Mono.defer(() -> {
                    long t0 = System.nanoTime();
                    return client.get().uri(uri)
                            .responseSingle((res, body) -> body.asByteArray().map(b -> res.status().code())
                                    .defaultIfEmpty(res.status().code()))
                            .doOnNext(code -> {
                                if (recorder != null) {
                                    recorder.record(System.nanoTime() - t0, code);
                                }
                            })
                            .onErrorResume(e -> {
                                if (recorder != null) {
                                    recorder.error(e);
                                }
                                return Mono.empty();
                            });
                })
                .repeat(() -> System.nanoTime() < end)
                .then();
        Flux.range(0, connections).flatMap(i -> oneUser, connections)
                .blockLast(duration.plusSeconds(60));
    }

    static final class Recorder {
        final long[] latencies = new long[MAX_SAMPLES];
        final AtomicInteger count = new AtomicInteger();
        final LongAdder errors = new LongAdder();
        final Map<String, Long> statuses = new ConcurrentHashMap<>();

        void record(long nanos, int code) {
            int i = count.getAndIncrement();
            if (i < MAX_SAMPLES) {
                latencies[i] = nanos;
            }
            statuses.merge(String.valueOf(code), 1L, Long::sum);
            if (code != 200) {
                errors.increment();
            }
        }

        void error(Throwable e) {
            errors.increment();
            statuses.merge(e.getClass().getSimpleName(), 1L, Long::sum);
        }
    }
}

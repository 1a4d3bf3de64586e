package io.vigil.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;

/**
 * Part 2: from {@code POST /api/v1/sessions} until {@code GET /api/v1/sessions/{id}} shows {@code active}, one
 * session at a time, against the zero-latency simulators. The query side is polled every few milliseconds over a
 * keep-alive connection. Each session's own events (their timestamps in {@code domainevententry}) split the time
 * into the steps it went through. Beside it, interleaved (one each, in turn), the same work done directly
 * ({@link DirectProvisioning}): what Vigil adds over the calls a provisioning cannot avoid.
 */
final class LatencyBench {
    static final String USER = "latency";
    private static final Duration ACTIVE_WITHIN = Duration.ofSeconds(30);
    static final List<String> STEPS = List.of("SessionRequested", "VmIdReserved", "VmCloned", "VmBooted", "SessionActivated");

    private final BenchSystem system;
    private final Options options;
    private final Report report;
    private final Http http;

    LatencyBench(BenchSystem system, Options options, Report report, Http http) {
        this.system = system;
        this.options = options;
        this.report = report;
        this.http = http;
    }

    record Sample(String id, Instant postedAt, double acceptedMs, double activeMs, Instant seenActiveAt, String finalStatus) {
    }

    void run() {
        report.heading("2. Request to active (zero-latency simulators)");
        String token = system.token(USER);
        HttpClient client = http.client("bench-latency", 2);
        // warm-up: a few sessions through the whole path, not measured
        for (int i = 0; i < 5; i++) {
            one(client, token);
        }
        // A random pause before each request, so arrivals do not keep step with the processors' own timers
        // (the next request would otherwise always follow the previous activation by the same few ms).
        java.util.Random random = new java.util.Random(42);
        List<Sample> samples = new ArrayList<>();
        double[] directMs = new double[options.sessions()];
        try (DirectProvisioning direct = new DirectProvisioning(system)) {
            direct.once(); // warm-up
            for (int i = 0; i < options.sessions(); i++) {
                BenchSystem.sleep(Duration.ofMillis(random.nextInt(500)));
                samples.add(one(client, token));
                directMs[i] = direct.once();
            }
        }
        Stats baseline = Stats.of(directMs);
        List<Sample> active = samples.stream().filter(s -> "active".equals(s.finalStatus())).toList();
        Stats total = Stats.of(active.stream().mapToDouble(Sample::activeMs).toArray());
        Stats accepted = Stats.of(samples.stream().mapToDouble(Sample::acceptedMs).toArray());

        report.line(options.sessions() + " sessions requested one after another by one user (template ubuntu-22-04), "
                + "each after a random 0–500 ms pause, after 5 unmeasured ones. Active = the first `GET /api/v1/sessions/{id}` answering `\"status\":\"active\"`;"
                + " the GET is repeated every " + options.pollInterval().toMillis() + " ms (plus its own ~1 ms), so "
                + "figures are up to ~" + (options.pollInterval().toMillis() + 2) + " ms late.");
        report.line("");
        report.table(List.of("", "n", "p50 ms", "p95 ms", "p99 ms", "max ms"), List.of(
                List.of("POST → 202 Accepted", String.valueOf(accepted.count()), Stats.ms(accepted.percentile(50)),
                        Stats.ms(accepted.percentile(95)), Stats.ms(accepted.percentile(99)), Stats.ms(accepted.max())),
                List.of("**POST → active on the query side**", String.valueOf(total.count()), Stats.ms(total.percentile(50)),
                        Stats.ms(total.percentile(95)), Stats.ms(total.percentile(99)), Stats.ms(total.max())),
                List.of("direct baseline: clone, start, guest, connection (no Vigil)", String.valueOf(baseline.count()),
                        Stats.ms(baseline.percentile(50)), Stats.ms(baseline.percentile(95)), Stats.ms(baseline.percentile(99)),
                        Stats.ms(baseline.max()))));
        report.line("Ratio Vigil / direct: p50 " + Stats.ratio(total.percentile(50) / baseline.percentile(50)) + ", p95 "
                + Stats.ratio(total.percentile(95) / baseline.percentile(95)) + ".");
        long notActive = samples.size() - active.size();
        if (notActive > 0) {
            report.line("> " + notActive + " of " + samples.size() + " did not become active within "
                    + ACTIVE_WITHIN.toSeconds() + " s");
        }
        report.verdict("request → active p95 < 1 s", notActive == 0 && total.percentile(95) < 1000,
                "p95 " + Stats.ms(total.percentile(95)) + " ms, p99 " + Stats.ms(total.percentile(99)) + " ms, max "
                        + Stats.ms(total.max()) + " ms");
        report.line("");
        breakdown(active);
        sseProbe(client, token);
        endAll(client, token, samples);
        http.release("bench-latency");
    }

    private Sample one(HttpClient client, String token) {
        Instant postedAt = Instant.now();
        long t0 = System.nanoTime();
        Http.Reply reply = Http.await(Http.post(client, "/api/v1/sessions", token, Http.sessionRequest("ubuntu-22-04")));
        long accepted = System.nanoTime();
        if (reply.status() != 202) {
            throw new IllegalStateException("POST /api/v1/sessions answered " + reply.status() + ": " + reply.body());
        }
        String id = reply.json().path("id").asString();
        long deadline = t0 + ACTIVE_WITHIN.toNanos();
        String status = "unseen";
        while (System.nanoTime() < deadline) {
            Http.Reply r = Http.await(Http.get(client, "/api/v1/sessions/" + id, token));
            if (r.status() == 200) {
                status = r.json().path("status").asString();
                if ("active".equals(status) || "failed".equals(status)) {
                    long seen = System.nanoTime();
                    return new Sample(id, postedAt, (accepted - t0) / 1e6, (seen - t0) / 1e6, Instant.now(), status);
                }
            }
            BenchSystem.sleep(options.pollInterval());
        }
        return new Sample(id, postedAt, (accepted - t0) / 1e6, Double.NaN, null, status);
    }

    /** Splits each session's time by its events' timestamps (taken when the aggregate applied them). */
    private void breakdown(List<Sample> samples) {
        Map<String, Map<String, Instant>> events = eventTimes(samples.stream().map(Sample::id).toList());
        List<String> names = new ArrayList<>();
        names.add("POST sent → SessionRequested (HTTP, JWT, admission, append)");
        names.add("SessionRequested → VmIdReserved (saga picks the event up, nextid)");
        names.add("VmIdReserved → VmCloned (saga picks it up, clone, task status)");
        names.add("VmCloned → VmBooted (saga picks it up, start, status, agent, TCP probe)");
        names.add("VmBooted → SessionActivated (saga picks it up, Guacamole connection)");
        names.add("SessionActivated → seen active by GET (session-views projection, poll)");
        Map<String, double[]> steps = new LinkedHashMap<>();
        names.forEach(n -> steps.put(n, new double[samples.size()]));
        int extraEvents = 0;
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            Map<String, Instant> e = events.get(s.id());
            if (e.size() != STEPS.size()) {
                extraEvents++;
            }
            Instant[] at = {s.postedAt(), e.get("SessionRequested"), e.get("VmIdReserved"), e.get("VmCloned"),
                    e.get("VmBooted"), e.get("SessionActivated"), s.seenActiveAt()};
            for (int k = 0; k < names.size(); k++) {
                steps.get(names.get(k))[i] = at[k] == null || at[k + 1] == null ? Double.NaN
                        : Duration.between(at[k], at[k + 1]).toNanos() / 1e6;
            }
        }
        report.line("Where the time goes (from the events' own timestamps):");
        report.line("");
        List<List<String>> rows = new ArrayList<>();
        double p50sum = 0;
        for (var step : steps.entrySet()) {
            Stats st = Stats.of(step.getValue());
            p50sum += st.percentile(50);
            rows.add(List.of(step.getKey(), Stats.ms(st.percentile(50)), Stats.ms(st.percentile(95)),
                    Stats.ms(st.max()), Stats.ms(st.mean())));
        }
        report.table(List.of("step", "p50 ms", "p95 ms", "max ms", "mean ms"), rows);
        if (extraEvents > 0) {
            report.line("> " + extraEvents + " sessions had other events than the five above (retries?)");
        }
        report.line("Properties in effect: `db-scheduler.polling-interval` = " + system.property("db-scheduler.polling-interval")
                + ", `vigil.provisioning.poll-initial` = " + system.context.getBean(io.vigil.command.ProvisioningProperties.class).pollInitial().toMillis() + "ms"
                + ", processors `ProvisioningSagaProcessor` " + processor("ProvisioningSagaProcessor")
                + " and `session-views` " + processor("session-views") + ".");
        report.line("");
    }

    private String processor(String name) {
        String prefix = "axon.eventhandling.processors." + name + ".";
        return system.property(prefix + "mode") + " (" + system.property(prefix + "thread-count") + " threads, "
                + system.property(prefix + "initial-segment-count") + " segments)";
    }

    private Map<String, Map<String, Instant>> eventTimes(List<String> ids) {
        Map<String, Map<String, Instant>> result = new HashMap<>();
        ids.forEach(id -> result.put(id, new LinkedHashMap<>()));
        system.jdbc.query(con -> {
            var ps = con.prepareStatement("SELECT aggregateidentifier, payloadtype, \"timestamp\" FROM domainevententry "
                    + "WHERE aggregateidentifier = ANY (?) ORDER BY aggregateidentifier, sequencenumber");
            ps.setArray(1, con.createArrayOf("varchar", ids.toArray()));
            return ps;
        }, rs -> {
            String type = rs.getString("payloadtype");
            result.get(rs.getString("aggregateidentifier")).putIfAbsent(type.substring(type.lastIndexOf('.') + 1),
                    Instant.parse(rs.getString("timestamp")));
        });
        return result;
    }

    /**
     * A few sessions followed on the live stream instead: POST, then open {@code /events} at once (retrying the
     * short 404 before the view exists) and wait up to 3 s for {@code active}.
     */
    private void sseProbe(HttpClient client, String token) {
        int delivered = 0;
        int openedWhileProvisioning = 0;
        int deliveredAfterProvisioning = 0;
        List<String> notes = new ArrayList<>();
        for (int i = 0; i < options.sseProbes(); i++) {
            Http.Reply reply = Http.await(Http.post(client, "/api/v1/sessions", token, Http.sessionRequest("ubuntu-22-04")));
            String id = reply.json().path("id").asString();
            long t0 = System.nanoTime();
            StringBuilder stream = new StringBuilder();
            int[] status = {0};
            for (int attempt = 0; attempt < 100 && status[0] != 200; attempt++) {
                stream.setLength(0);
                try {
                    client.headers(h -> h.set("Authorization", "Bearer " + token).set("Accept", "text/event-stream"))
                            .get().uri("/api/v1/sessions/" + id + "/events")
                            .response((res, body) -> {
                                status[0] = res.status().code();
                                return body.asString(StandardCharsets.UTF_8);
                            })
                            .doOnNext(stream::append)
                            .takeUntil(chunk -> stream.indexOf("\"status\":\"active\"") >= 0)
                            .take(Duration.ofSeconds(3))
                            .onErrorResume(e -> Flux.empty())
                            .blockLast(Duration.ofSeconds(5));
                } catch (RuntimeException e) {
                    notes.add(e.toString());
                }
                if (status[0] == 404) {
                    BenchSystem.sleep(Duration.ofMillis(10));
                }
            }
            String text = stream.toString();
            int firstStatus = text.indexOf("\"status\":\"");
            String first = firstStatus < 0 ? "none" : text.substring(firstStatus + 10, text.indexOf('"', firstStatus + 10));
            boolean sawActive = text.contains("\"status\":\"active\"");
            if (sawActive) {
                delivered++;
            }
            if ("provisioning".equals(first)) {
                openedWhileProvisioning++;
                if (sawActive) {
                    deliveredAfterProvisioning++;
                }
            }
            System.out.printf("   SSE probe %s: first event %s, active seen %s after %.0f ms%n", id, first, sawActive,
                    (System.nanoTime() - t0) / 1e6);
        }
        report.line("Live stream probe (`GET /api/v1/sessions/{id}/events`, " + options.sseProbes()
                + " more sessions, each stream opened right after the 202 and held up to 3 s): " + delivered + " of "
                + options.sseProbes() + " streams showed `active`; " + openedWhileProvisioning
                + " opened while the session was still provisioning, and " + deliveredAfterProvisioning
                + " of those then delivered the change to `active`." + (notes.isEmpty() ? "" : " Errors: " + notes));
        report.verdict("live stream delivers the change to active", openedWhileProvisioning == 0
                || deliveredAfterProvisioning == openedWhileProvisioning, openedWhileProvisioning == 0
                ? "every stream opened after activation (not exercised)"
                : deliveredAfterProvisioning + " of " + openedWhileProvisioning + " streams opened while provisioning");
        report.line("");
    }

    /** Ends every session this part made, so the burst starts on an empty cluster; waits for the VMs to go. */
    private void endAll(HttpClient client, String token, List<Sample> samples) {
        List<String> ids = system.jdbc.queryForList("SELECT session_id FROM session_view WHERE user_id = ? AND status IN ('provisioning', 'active')",
                String.class, USER);
        Flux.fromIterable(ids)
                .flatMap(id -> Http.delete(client, "/api/v1/sessions/" + id, token), 2)
                .blockLast(Duration.ofSeconds(120));
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            Integer open = system.jdbc.queryForObject("SELECT count(*) FROM session_view WHERE user_id = ? AND status NOT IN ('ended', 'expired', 'failed')",
                    Integer.class, USER);
            long vms = system.proxmox.vms().stream().filter(vm -> vm.name() != null && vm.name().startsWith("vigil-")).count();
            if (open != null && open == 0 && vms == 0) {
                report.line("Afterwards all " + ids.size() + " sessions were ended and their VMs removed (teardown).");
                return;
            }
            BenchSystem.sleep(Duration.ofMillis(100));
        }
        report.line("> teardown of part 2's sessions had not finished after 120 s");
    }
}

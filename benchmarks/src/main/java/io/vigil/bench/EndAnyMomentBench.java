package io.vigil.bench;

import io.vigil.platform.security.Role;
import io.vigil.simulators.proxmox.ProxmoxSimConfig;
import io.vigil.simulators.proxmox.ProxmoxSimConfig.Faults;
import io.vigil.simulators.proxmox.ProxmoxSimConfig.Latencies;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * Part 8: sessions ended at random moments of their provisioning against a cluster with clone and boot latency and
 * about 10 % injected faults (lock timeouts inside tasks, failed tasks, 5xx), then what is left: it must be
 * nothing (no VM, no unnamed clone, no Guacamole connection, no session short of its end). Also how long the end
 * took (SessionEnding → SessionEnded), how many retries the faults caused, and what the reconciler still found.
 */
final class EndAnyMomentBench {
    static final Faults TEN_PERCENT = Faults.NONE.withHttp5xx(0.03).withLockTimeout(0.03).withTaskFailure(0.04)
            .withTaskWarnings(0.05);
    static final Latencies LATENCIES = Latencies.NONE.withLinkedClone(Duration.ofMillis(400)).withStart(Duration.ofMillis(200))
            .withBoot(Duration.ofMillis(800)).withStop(Duration.ofMillis(100)).withDelete(Duration.ofMillis(100));
    static final Map<String, String> PROPERTIES = Map.of(
            "vigil.provisioning.retry-backoff", "100ms,200ms,300ms",
            "vigil.provisioning.poll-max", "200ms",
            "vigil.reconcile.interval", "1h");
    private static final int END_WITHIN_MS = 2_000;

    private final BenchSystem system;
    private final Options options;
    private final Report report;
    private final Http http;

    EndAnyMomentBench(BenchSystem system, Options options, Report report, Http http) {
        this.system = system;
        this.options = options;
        this.report = report;
        this.http = http;
    }

    static ProxmoxSimConfig cluster(ProxmoxSimConfig defaults) {
        return defaults.withLatencies(LATENCIES).withLockWait(Duration.ofMillis(500)).withSeed(7);
    }

    void run() {
        int n = options.endSessions();
        report.heading("8. " + n + " sessions ended at random moments of provisioning, ~10 % faults");
        system.proxmox.setFaults(TEN_PERCENT);
        Random random = new Random(42);
        HttpClient client = http.client("bench-end", 32);
        Map<String, Integer> endAnswers = new ConcurrentHashMap<>();
        long t0 = System.nanoTime();
        List<String> ids = Flux.range(0, n)
                .delayElements(Duration.ofMillis(50))
                .flatMap(i -> {
                    String token = system.token("end-" + (i % 20));
                    int endAfter = random.nextInt(END_WITHIN_MS);
                    return Http.post(client, "/api/v1/sessions", token, Http.sessionRequest("ubuntu-22-04"))
                            .flatMap(r -> {
                                String id = r.json().path("id").asString();
                                return Mono.delay(Duration.ofMillis(endAfter))
                                        .then(Http.delete(client, "/api/v1/sessions/" + id, token))
                                        .doOnNext(d -> endAnswers.put(id, d.status()))
                                        .thenReturn(id);
                            });
                }, 64)
                .collectList().block(Duration.ofSeconds(300));
        long allEndedAt = waitUntil(() -> count("SELECT count(*) FROM admission_session WHERE state <> 'GONE'") == 0,
                Duration.ofSeconds(300));
        double quietS = (allEndedAt - t0) / 1e9;
        http.release("bench-end");

        Map<String, Object> report1 = reconcile();
        List<?> findings = (List<?>) report1.get("findings");
        system.proxmox.setFaults(Faults.NONE);
        long vmsLeft = system.proxmox.vms().stream().filter(vm -> vm.name() != null && vm.name().startsWith("vigil-")).count();
        long unnamed = system.proxmox.vms().stream().filter(vm -> vm.name() == null).count();
        int connectionsLeft = system.guacamole.connections().size();
        List<String> statuses = system.jdbc.queryForList("SELECT status FROM session_view WHERE user_id LIKE 'end-%'", String.class);
        Stats endTime = Stats.of(system.jdbc.queryForList("""
                SELECT extract(epoch FROM (e2."timestamp"::timestamptz - e1."timestamp"::timestamptz)) * 1000
                FROM domainevententry e1 JOIN domainevententry e2 ON e1.aggregateidentifier = e2.aggregateidentifier
                WHERE e1.payloadtype LIKE '%SessionEnding' AND e2.payloadtype LIKE '%SessionEnded'""", Double.class)
                .stream().mapToDouble(Double::doubleValue).toArray());

        report.table(List.of("measure", "value"), List.of(
                List.of("sessions requested / ended with DELETE (202) / already failed (409)", ids.size() + " / "
                        + endAnswers.values().stream().filter(s -> s == 202).count() + " / "
                        + endAnswers.values().stream().filter(s -> s == 409).count()),
                List.of("final status: ended / failed", statuses.stream().filter("ended"::equals).count() + " / "
                        + statuses.stream().filter("failed"::equals).count()),
                List.of("Proxmox tasks run (incl. retries)", String.valueOf(system.proxmox.tasks().size())),
                List.of("provisioning retries recorded", String.valueOf(count(
                        "SELECT count(*) FROM domainevententry WHERE payloadtype LIKE '%ProvisioningRetryScheduled'"))),
                List.of("hand-overs to teardown with a task still running", String.valueOf(count(
                        "SELECT count(*) FROM domainevententry WHERE payloadtype LIKE '%TeardownStarted'"
                                + " AND convert_from(payload, 'UTF8') LIKE '%\\\"pendingTask\\\":\\\"UPID%'"))),
                List.of("VMs teardown gave to the reconciler", String.valueOf(count(
                        "SELECT count(*) FROM domainevententry WHERE payloadtype LIKE '%VmAbandoned'"))),
                List.of("reconciler findings afterwards", String.valueOf(findings.size())),
                List.of("SessionEnding → SessionEnded (ms)", "p50 " + Stats.ms(endTime.percentile(50)) + ", p95 "
                        + Stats.ms(endTime.percentile(95)) + ", max " + Stats.ms(endTime.max()) + " (n = " + endTime.count() + ")"),
                List.of("first request → every session over", String.format(java.util.Locale.ROOT, "%.1f s", quietS)),
                List.of("left behind: vigil-* VMs / unnamed clones / connections", vmsLeft + " / " + unnamed + " / " + connectionsLeft)));
        report.verdict("part 8: nothing left behind after " + ids.size() + " sessions ended at random moments under faults",
                vmsLeft == 0 && unnamed == 0 && connectionsLeft == 0 && statuses.size() == ids.size(),
                vmsLeft + " VMs, " + unnamed + " unnamed clones, " + connectionsLeft + " connections left");
    }

    private Map<String, Object> reconcile() {
        String admin = system.tokens.issue("bench-admin", List.of(Role.ADMIN)).token();
        Http.Reply reply = Http.await(Http.post(http.client("bench-reconcile", 1), "/api/v1/admin/reconcile", admin, "{}"));
        http.release("bench-reconcile");
        @SuppressWarnings("unchecked")
        Map<String, Object> body = Http.JSON.convertValue(reply.json(), Map.class);
        return body;
    }

    private int count(String sql) {
        Integer n = system.jdbc.queryForObject(sql, Integer.class);
        return n == null ? 0 : n;
    }

    private static long waitUntil(java.util.function.BooleanSupplier done, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            if (done.getAsBoolean()) {
                return System.nanoTime();
            }
            BenchSystem.sleep(Duration.ofMillis(50));
        }
        throw new IllegalStateException("part 8: sessions still not over after " + max);
    }

    static Instant now() {
        return Instant.now();
    }
}

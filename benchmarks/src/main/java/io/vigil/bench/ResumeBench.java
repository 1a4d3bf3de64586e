package io.vigil.bench;

import io.vigil.bench.Hibernation.Event;
import io.vigil.command.guacamole.GuacamoleClient;
import io.vigil.command.proxmox.ProxmoxClient;
import io.vigil.simulators.proxmox.ProxmoxSimConfig.Latencies;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import reactor.netty.http.client.HttpClient;

/**
 * Part 6: {@code POST /api/v1/sessions/{id}/resume} until {@code GET /api/v1/sessions/{id}} shows {@code active}
 * again, at each of a few simulator resume latencies L, for sessions hibernated through {@code POST .../hibernate}.
 * Beside it, in the same run and interleaved with it, the least a resume has to do, done directly: the simulator's
 * resume of a hibernated VM, its task polled every 5 ms until done, and one Guacamole connection created.
 */
final class ResumeBench {
    static final String USER = "resume";
    private static final int WARMUP = 3;
    private static final Duration TASK_POLL = Duration.ofMillis(5);
    private static final Duration CALL = Duration.ofSeconds(20);
    /** The direct baseline's own VMs, far above the VMIDs Vigil's sequence hands out. */
    private static final int DIRECT_VMID_BASE = 900_000;
    private static final String DIRECT_NODE = "pve-7";
    private static final int UBUNTU_TEMPLATE_VMID = 9001;

    private final BenchSystem system;
    private final Options options;
    private final Report report;
    private final Http http;
    private final ProxmoxClient proxmox;
    private final GuacamoleClient guacamole;
    private int nextDirectVmid = DIRECT_VMID_BASE;

    ResumeBench(BenchSystem system, Options options, Report report, Http http) {
        this.system = system;
        this.options = options;
        this.report = report;
        this.http = http;
        this.proxmox = system.context.getBean(ProxmoxClient.class);
        this.guacamole = system.context.getBean(GuacamoleClient.class);
    }

    record Resume(String id, Instant postedAt, double acceptedMs, double activeMs, Instant seenActiveAt, String clientUrl) {
    }

    void run() {
        int n = options.resumeSessions();
        report.heading("6. Resume time against the simulator's resume latency");
        report.line("For each resume latency L: " + n + " sessions (one user, ubuntu-22-04) provisioned, then hibernated"
                + " with `POST /api/v1/sessions/{id}/hibernate`; each then resumed with `POST …/resume` after a random 0–500 ms"
                + " pause, and `GET /api/v1/sessions/{id}` repeated every " + options.pollInterval().toMillis() + " ms until"
                + " `active` (figures up to ~" + (options.pollInterval().toMillis() + 2) + " ms late). After each resume the"
                + " bench opens the fresh `guacamole_url` in the Guacamole simulator, so the session stays active. Each Vigil"
                + " resume is followed by one direct round trip on a VM of the bench's own (hibernated the same way, node "
                + DIRECT_NODE + "): `ProxmoxClient.resume`, `taskStatus` every " + TASK_POLL.toMillis() + " ms until the task has"
                + " ended, `GuacamoleClient.createConnection`. The first " + WARMUP + " of each kind per L are not measured."
                + " Boot latency plays no part (a VM resumed from disk runs its saved, booted guest).");
        report.line("");
        report.line(Hibernation.Settings.of(system).describe() + ".");
        report.line("");
        String token = system.token(USER);
        HttpClient client = http.client("bench-resume", 2);
        Random random = new Random(6);
        List<List<String>> summary = new ArrayList<>();
        for (int latency : options.resumeLatenciesMs()) {
            round(client, token, random, n, Duration.ofMillis(latency), summary);
        }
        http.release("bench-resume");
        report.line("Summary (p50 / p95, ms):");
        report.line("");
        report.table(List.of("L", "Vigil: POST → active", "Vigil − L", "direct baseline", "Vigil − direct", "Vigil / direct"), summary);
    }

    private void round(HttpClient client, String token, Random random, int n, Duration latency, List<List<String>> summary) {
        Duration suspend = Duration.ofMillis(options.suspendMs());
        system.proxmox.setLatencies(Latencies.NONE.withSuspend(suspend).withResume(latency));
        int total = n + WARMUP;

        // Vigil's sessions, active then hibernated on request
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            Http.Reply reply = Http.await(Http.post(client, "/api/v1/sessions", token, Http.sessionRequest("ubuntu-22-04")));
            if (reply.status() != 202) {
                throw new IllegalStateException("POST /api/v1/sessions answered " + reply.status() + ": " + reply.body());
            }
            ids.add(reply.json().path("id").asString());
        }
        Map<String, String> s = Hibernation.awaitStatus(system, ids, "active", Set.of("failed"), Duration.ofSeconds(60));
        require(s, ids, "active", "before hibernating them");
        for (String id : ids) {
            Http.Reply reply = Http.await(Http.post(client, "/api/v1/sessions/" + id + "/hibernate", token, "{}"));
            if (reply.status() != 202) {
                throw new IllegalStateException("POST /hibernate answered " + reply.status() + ": " + reply.body());
            }
        }
        s = Hibernation.awaitStatus(system, ids, "hibernating", Set.of("failed"), Duration.ofSeconds(60));
        require(s, ids, "hibernating", "before resuming them");
        // the direct baseline's VMs, hibernated the same way
        List<Integer> direct = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            direct.add(hibernatedVm());
        }
        system.awaitProcessorsIdle(Duration.ofSeconds(60));

        List<Resume> resumes = new ArrayList<>();
        double[] directMs = new double[n];
        List<String> directConnections = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            BenchSystem.sleep(Duration.ofMillis(random.nextInt(500)));
            Resume r = resume(client, token, ids.get(i));
            BenchSystem.sleep(Duration.ofMillis(random.nextInt(500)));
            long t0 = System.nanoTime();
            directConnections.add(directResume(direct.get(i)));
            double d = (System.nanoTime() - t0) / 1e6;
            if (i >= WARMUP) {
                resumes.add(r);
                directMs[i - WARMUP] = d;
            }
        }

        Stats vigil = Stats.of(resumes.stream().mapToDouble(Resume::activeMs).toArray());
        Stats accepted = Stats.of(resumes.stream().mapToDouble(Resume::acceptedMs).toArray());
        Stats added = Stats.of(resumes.stream().mapToDouble(r -> r.activeMs() - latency.toMillis()).toArray());
        Stats baseline = Stats.of(directMs);
        double[] overDirect = new double[n];
        for (int i = 0; i < n; i++) {
            overDirect[i] = resumes.get(i).activeMs() - directMs[i];
        }
        Stats vsDirect = Stats.of(overDirect);
        Map<String, List<Event>> events = Hibernation.events(system, resumes.stream().map(Resume::id).toList());
        double[] posted = new double[n];
        double[] saga = new double[n];
        double[] seen = new double[n];
        for (int i = 0; i < n; i++) {
            Resume r = resumes.get(i);
            List<Event> list = events.get(r.id());
            Event started = Hibernation.last(list, "ResumeStarted");
            Event resumed = Hibernation.last(list, "SessionResumed");
            posted[i] = Hibernation.ms(r.postedAt(), started == null ? null : started.at());
            saga[i] = started == null || resumed == null ? Double.NaN : Hibernation.ms(started.at(), resumed.at());
            seen[i] = Hibernation.ms(resumed == null ? null : resumed.at(), r.seenActiveAt());
        }

        report.line("**L = " + latency.toMillis() + " ms** (suspend " + suspend.toMillis() + " ms, all else zero):");
        report.line("");
        List<List<String>> rows = new ArrayList<>();
        rows.add(row("POST /resume → 202", accepted));
        rows.add(row("**Vigil: POST /resume → `active` on GET**", vigil));
        rows.add(row("  POST sent → `ResumeStarted` (HTTP, JWT, quota, append)", Stats.of(posted)));
        rows.add(row("  `ResumeStarted` → `SessionResumed` (saga: status, resume, task polls, guest wait, Guacamole)", Stats.of(saga)));
        rows.add(row("  `SessionResumed` → seen active (projection, poll)", Stats.of(seen)));
        rows.add(row("**direct baseline: resume + task poll + Guacamole create**", baseline));
        rows.add(row("Vigil − L", added));
        rows.add(row("Vigil − direct (paired)", vsDirect));
        report.table(List.of("", "n", "p50 ms", "p95 ms", "max ms", "mean ms"), rows);
        report.line("Ratio Vigil / direct: p50 " + Stats.ratio(vigil.percentile(50) / baseline.percentile(50)) + ", p95 "
                + Stats.ratio(vigil.percentile(95) / baseline.percentile(95)) + ".");
        report.verdict("part 6, L = " + latency.toMillis() + " ms: Vigil adds < 1 s at p95 (POST /resume → active, minus L)",
                resumes.size() == n && added.percentile(95) < 1000,
                "measured p95 " + Stats.ms(vigil.percentile(95)) + " ms − L = " + Stats.ms(added.percentile(95)) + " ms; over the direct"
                        + " baseline p95 " + Stats.ms(vsDirect.percentile(95)) + " ms");
        summary.add(List.of(latency.toMillis() + " ms", pair(vigil), pair(added), pair(baseline), pair(vsDirect),
                Stats.ratio(vigil.percentile(50) / baseline.percentile(50)) + " / " + Stats.ratio(vigil.percentile(95) / baseline.percentile(95))));
        report.line("");

        // clean up: users leave, sessions end, the direct VMs and connections go
        resumes.forEach(r -> system.guacamole.closeClient(r.clientUrl()));
        Map<String, String> owners = new LinkedHashMap<>();
        ids.forEach(id -> owners.put(id, token));
        Hibernation.endAll(system, http, report, owners);
        for (int i = 0; i < direct.size(); i++) {
            int vmid = direct.get(i);
            awaitTask(proxmox.stop(DIRECT_NODE, vmid).block(CALL));
            awaitTask(proxmox.delete(DIRECT_NODE, vmid).block(CALL));
            guacamole.deleteConnection(directConnections.get(i)).block(CALL);
        }
        report.line("");
    }

    private static List<String> row(String name, Stats st) {
        return List.of(name, String.valueOf(st.count()), Stats.ms(st.percentile(50)), Stats.ms(st.percentile(95)),
                Stats.ms(st.max()), Stats.ms(st.mean()));
    }

    private static String pair(Stats st) {
        return Stats.ms(st.percentile(50)) + " / " + Stats.ms(st.percentile(95));
    }

    private static void require(Map<String, String> statuses, List<String> ids, String status, String when) {
        long ok = ids.stream().filter(id -> status.equals(statuses.get(id))).count();
        if (ok != ids.size()) {
            throw new IllegalStateException("part 6: only " + ok + " of " + ids.size() + " sessions " + status + " " + when
                    + ": " + Hibernation.count(statuses));
        }
    }

    private Resume resume(HttpClient client, String token, String id) {
        Instant postedAt = Instant.now();
        long t0 = System.nanoTime();
        Http.Reply reply = Http.await(Http.post(client, "/api/v1/sessions/" + id + "/resume", token, "{}"));
        long accepted = System.nanoTime();
        if (reply.status() != 202 || !"resuming".equals(reply.json().path("status").asString(""))) {
            throw new IllegalStateException("POST /resume answered " + reply.status() + ": " + reply.body());
        }
        long deadline = t0 + Duration.ofSeconds(60).toNanos();
        String status = "unseen";
        while (System.nanoTime() < deadline) {
            Http.Reply r = Http.await(Http.get(client, "/api/v1/sessions/" + id, token));
            if (r.status() == 200) {
                status = r.json().path("status").asString();
                if ("active".equals(status)) {
                    long seen = System.nanoTime();
                    Instant seenAt = Instant.now();
                    String url = r.json().path("guacamole_url").asString();
                    // the user connects: the sweep sees the connection and the session stays active
                    system.guacamole.openClient(url, USER);
                    return new Resume(id, postedAt, (accepted - t0) / 1e6, (seen - t0) / 1e6, seenAt, url);
                }
                if (!"resuming".equals(status) && !"hibernating".equals(status)) {
                    break;
                }
            }
            BenchSystem.sleep(options.pollInterval());
        }
        throw new IllegalStateException("part 6: session " + id + " did not become active after POST /resume (last seen "
                + status + ")");
    }

    /** A VM of the bench's own, cloned, started and suspended to disk; answers its VMID. */
    private int hibernatedVm() {
        int vmid = nextDirectVmid++;
        // templates live on pve-1 (shared storage): the clone is made there and lands on the bench's own node
        awaitTask(proxmox.clone("pve-1", UBUNTU_TEMPLATE_VMID, vmid, "bench-direct-" + vmid, null, DIRECT_NODE).block(CALL));
        awaitTask(proxmox.start(DIRECT_NODE, vmid).block(CALL));
        awaitTask(proxmox.suspendToDisk(DIRECT_NODE, vmid).block(CALL));
        return vmid;
    }

    /** What resume must do at the least; answers the Guacamole connection's id. */
    private String directResume(int vmid) {
        awaitTask(proxmox.resume(DIRECT_NODE, vmid).block(CALL));
        return guacamole.createConnection("bench-direct-" + vmid, "ssh", "127.0.0.1", system.proxmox.guestPort()).block(CALL);
    }

    private void awaitTask(String upid) {
        DirectProvisioning.awaitTask(proxmox, upid);
    }
}

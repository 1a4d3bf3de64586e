package io.vigil.bench;

import io.vigil.bench.Hibernation.Event;
import io.vigil.bench.Hibernation.Settings;
import io.vigil.simulators.guacamole.ConnectionSnapshot;
import io.vigil.simulators.proxmox.ProxmoxSimConfig.Latencies;
import io.vigil.simulators.proxmox.VmSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import reactor.netty.http.client.HttpClient;

/**
 * Part 7: N active sessions whose users all leave at the same moment. Each session is provisioned and its
 * {@code guacamole_url} opened in the Guacamole simulator at once (so none goes idle early); when all are seen
 * connected, every client is closed together. Then all must end {@code hibernating}, each VM suspended to disk
 * exactly once, no Guacamole connection left, no failure or alert. Any miss fails the part (and the run).
 */
final class IdleBurstBench {
    private static final int PROVISIONING_THREADS = 8;

    private final BenchSystem system;
    private final Options options;
    private final Report report;
    private final Http http;

    IdleBurstBench(BenchSystem system, Options options, Report report, Http http) {
        this.system = system;
        this.options = options;
        this.report = report;
        this.http = http;
    }

    record Connected(String user, String token, String id, String clientUrl) {
    }

    void run() throws Exception {
        int n = options.idleBurst();
        Settings settings = Settings.of(system);
        Duration suspend = Duration.ofMillis(options.suspendMs());
        system.proxmox.setLatencies(Latencies.NONE.withSuspend(suspend));
        report.heading("7. " + n + " sessions going idle at once");
        HttpClient client = http.client("bench-idle-burst", PROVISIONING_THREADS);

        // n users, one session each, connected as soon as it is active
        List<Connected> sessions = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(PROVISIONING_THREADS);
        try {
            List<Future<Connected>> futures = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                String user = String.format(Locale.ROOT, "idle-%03d", i);
                futures.add(pool.submit(() -> connect(client, user)));
            }
            for (Future<Connected> f : futures) {
                sessions.add(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        http.release("bench-idle-burst");
        List<String> ids = sessions.stream().map(Connected::id).toList();

        // every session seen connected by at least two sweeps, and none warned now
        Duration twoSweeps = settings.activityPoll().plus(settings.schedulerPolling()).multipliedBy(2);
        BenchSystem.sleep(twoSweeps);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        int watchedActive = 0;
        while (System.nanoTime() < deadline) {
            watchedActive = activityStates(ids).getOrDefault("ACTIVE", 0);
            if (watchedActive == n) {
                break;
            }
            BenchSystem.sleep(Duration.ofMillis(50));
        }
        if (watchedActive != n) {
            throw new IllegalStateException("part 7: only " + watchedActive + " of " + n
                    + " connected sessions are watched as ACTIVE (not warned) before the users leave: " + activityStates(ids));
        }
        Map<String, Integer> earlyEvents = new HashMap<>();
        Hibernation.events(system, ids).values().forEach(list -> list.forEach(e -> earlyEvents.merge(e.type(), 1, Integer::sum)));

        // all users leave at once
        Instant closeAt = Instant.now();
        int closed = 0;
        for (Connected c : sessions) {
            closed += system.guacamole.closeClient(c.clientUrl());
        }
        Instant closedAt = Instant.now();
        Duration within = settings.idleThreshold().plus(settings.warning()).plus(settings.activityPoll()).plus(Duration.ofSeconds(90));
        Map<String, String> statuses = Hibernation.awaitStatus(system, ids, "hibernating", Set.of("failed", "ending", "ended"), within);
        boolean processorsIdle = system.awaitProcessorsIdle(Duration.ofSeconds(60));
        statuses = Hibernation.statuses(system, ids);
        Map<String, List<Event>> events = Hibernation.events(system, ids);
        Map<String, List<VmSnapshot>> vms = Hibernation.vmsByName(system.proxmox);
        Hibernation.SuspendTasks suspends = Hibernation.suspendTasks(system.proxmox);
        List<ConnectionSnapshot> connections = system.guacamole.connections();
        Map<String, Integer> activity = activityStates(ids);

        // timing, per session and overall
        List<Instant> warnings = new ArrayList<>();
        List<Instant> hibernations = new ArrayList<>();
        List<Double> lag = new ArrayList<>();
        List<Double> sweep = new ArrayList<>();
        List<Double> deadlineLag = new ArrayList<>();
        List<Double> saga = new ArrayList<>();
        List<Double> closeToHibernated = new ArrayList<>();
        Set<Instant> distinctHibernatesAt = new java.util.HashSet<>();
        for (String id : ids) {
            List<Event> list = events.get(id);
            Event warned = Hibernation.last(list, "IdleWarningIssued");
            Event started = Hibernation.last(list, "HibernationStarted");
            Event hibernated = Hibernation.last(list, "SessionHibernated");
            if (warned == null || started == null || hibernated == null) {
                continue;
            }
            Instant idleSince = Hibernation.instant(warned.payload(), "idleSince");
            Instant hibernatesAt = Hibernation.instant(warned.payload(), "hibernatesAt");
            distinctHibernatesAt.add(hibernatesAt);
            warnings.add(warned.at());
            hibernations.add(hibernated.at());
            lag.add(Hibernation.ms(idleSince.plus(settings.idleThreshold()).plus(settings.warning()), hibernated.at()));
            sweep.add(Hibernation.ms(idleSince.plus(settings.idleThreshold()), warned.at()));
            deadlineLag.add(Hibernation.ms(hibernatesAt, started.at()));
            saga.add(Hibernation.ms(started.at(), hibernated.at()));
            closeToHibernated.add(Hibernation.ms(closeAt.plus(settings.idleThreshold()).plus(settings.warning()), hibernated.at()));
        }
        Instant firstWarning = warnings.stream().min(Comparator.naturalOrder()).orElse(null);
        Instant lastWarning = warnings.stream().max(Comparator.naturalOrder()).orElse(null);
        Instant lastHibernated = hibernations.stream().max(Comparator.naturalOrder()).orElse(null);
        Instant firstHibernated = hibernations.stream().min(Comparator.naturalOrder()).orElse(null);

        report.line(n + " users (`idle-001`…) each request one session (" + PROVISIONING_THREADS + " at a time) and open its"
                + " `guacamole_url` in the Guacamole simulator as soon as GET shows it active; " + n + " × 4 GiB on 7 × 128 GiB"
                + " leaves room. When all " + n + " are watched as connected, the bench closes every client within "
                + Stats.ms(Hibernation.ms(closeAt, closedAt)) + " ms (" + closed + " tunnels). Simulator suspend latency "
                + suspend.toMillis() + " ms. " + settings.describe() + ". Before the users left: "
                + (earlyEvents.containsKey("IdleWarningIssued") ? earlyEvents.get("IdleWarningIssued") + " early warnings (cancelled: "
                + earlyEvents.getOrDefault("IdleWarningCancelled", 0) + ")" : "no idle warning") + ".");
        report.line("");
        report.table(List.of("", ""), List.of(
                List.of("session_view after the wait", Hibernation.count(statuses).toString()),
                List.of("warned in", distinctHibernatesAt.size() + " sweep(s) (distinct `hibernatesAt`)"),
                List.of("users left → first `IdleWarningIssued`", Stats.ms(Hibernation.ms(closeAt, firstWarning)) + " ms"
                        + " (threshold " + settings.idleThreshold().toMillis() + " ms)"),
                List.of("first → last `IdleWarningIssued`", Stats.ms(Hibernation.ms(firstWarning, lastWarning)) + " ms"),
                List.of("**first `IdleWarningIssued` → last `SessionHibernated`**", "**" + Stats.ms(Hibernation.ms(firstWarning, lastHibernated)) + " ms**"
                        + " (warning " + settings.warning().toMillis() + " ms)"),
                List.of("first → last `SessionHibernated`", Stats.ms(Hibernation.ms(firstHibernated, lastHibernated)) + " ms"),
                List.of("users left → last `SessionHibernated`", Stats.ms(Hibernation.ms(closeAt, lastHibernated)) + " ms"),
                List.of("processors caught up afterwards", String.valueOf(processorsIdle))));
        List<List<String>> rows = new ArrayList<>();
        rows.add(row("**schedule (idle since + threshold + warning) → `SessionHibernated`: lag**", lag));
        rows.add(row("threshold reached → `IdleWarningIssued` (sweep lag)", sweep));
        rows.add(row("`hibernatesAt` → `HibernationStarted` (deadline lag)", deadlineLag));
        rows.add(row("`HibernationStarted` → `SessionHibernated` (saga, queued behind the others)", saga));
        rows.add(row("users left + threshold + warning → `SessionHibernated`", closeToHibernated));
        report.table(List.of("per session, from event timestamps", "n", "p50 ms", "p95 ms", "max ms", "mean ms"), rows);
        report.line("\"Idle since\" is the last sweep that saw the connection open, up to one sweep before the users left.");
        report.line("");

        // the checks: none lost, nothing twice, nothing left behind
        List<String> failures = new ArrayList<>();
        long hibernating = statuses.values().stream().filter("hibernating"::equals).count();
        check(failures, "all " + n + " sessions `hibernating` in session_view", hibernating == n,
                hibernating + " hibernating; " + Hibernation.count(statuses));
        List<String> badEvents = new ArrayList<>();
        int sessionHibernated = 0;
        for (String id : ids) {
            List<Event> list = events.get(id);
            List<String> types = list.stream().map(Event::type).toList();
            long count = Hibernation.of(list, "SessionHibernated").size();
            sessionHibernated += count;
            Event started = Hibernation.last(list, "HibernationStarted");
            boolean ok = Hibernation.gapFree(list) && count == 1 && Hibernation.of(list, "HibernationStarted").size() == 1
                    && started != null && "IDLE".equals(started.payload().path("reason").asString(""))
                    && !types.contains("HibernationFailed") && !types.contains("AdminAlertRaised")
                    && types.get(types.size() - 1).equals("SessionHibernated");
            if (!ok) {
                badEvents.add(id + " " + types);
            }
        }
        check(failures, "exactly one `HibernationStarted` (IDLE) and one `SessionHibernated` per session (" + n + " in all),"
                        + " events gap-free, no `HibernationFailed`, no `AdminAlertRaised`", badEvents.isEmpty() && sessionHibernated == n,
                sessionHibernated + " SessionHibernated" + (badEvents.isEmpty() ? "" : "; wrong: " + badEvents.size() + ", e.g. "
                        + badEvents.stream().limit(3).toList()));
        List<String> badVms = new ArrayList<>();
        List<String> notOnce = new ArrayList<>();
        for (String id : ids) {
            List<VmSnapshot> own = vms.getOrDefault(Hibernation.vmName(id), List.of());
            if (own.size() != 1 || !"suspended".equals(own.get(0).lock()) || !"stopped".equals(own.get(0).status())) {
                badVms.add(Hibernation.vmName(id) + " " + own.stream().map(vm -> vm.node() + "/" + vm.vmid() + " " + vm.status()
                        + " lock " + vm.lock()).toList());
                continue;
            }
            List<String> tasks = suspends.of(own.get(0).node(), own.get(0).vmid());
            if (tasks.size() != 1 || !"OK".equals(tasks.get(0))) {
                notOnce.add(Hibernation.vmName(id) + " suspend tasks " + tasks);
            }
        }
        check(failures, "each session's VM exists once, `stopped` with lock `suspended`", badVms.isEmpty(),
                (n - badVms.size()) + " of " + n + (badVms.isEmpty() ? "" : "; not: " + badVms.stream().limit(3).toList()));
        check(failures, "each VM suspended to disk exactly once (the simulator's `qmsuspend` tasks, exit OK)",
                suspends.complete() && notOnce.isEmpty(), suspends.error() != null ? "task table unreadable: " + suspends.error()
                        : !suspends.complete() ? "task table full (" + suspends.tableSize() + "), cannot tell"
                        : (n - badVms.size() - notOnce.size()) + " once" + (notOnce.isEmpty() ? "" : "; not: " + notOnce.stream().limit(3).toList()));
        Set<String> names = new java.util.HashSet<>(ids.stream().map(Hibernation::vmName).toList());
        List<ConnectionSnapshot> left = connections.stream().filter(c -> names.contains(c.name())).toList();
        check(failures, "no Guacamole connection left for them", left.isEmpty(), left.isEmpty() ? connections.size()
                + " connections in the simulator, none for these sessions" : left.size() + " left, e.g. "
                + left.stream().limit(3).map(ConnectionSnapshot::name).toList());
        check(failures, "the idle sweep no longer watches them (`session_activity` PAUSED)", activity.getOrDefault("PAUSED", 0) == n,
                activity.toString());
        if (!failures.isEmpty()) {
            throw new IllegalStateException("part 7: " + failures.size() + " check(s) failed: " + failures);
        }
        // Part 7 is the last part; its sessions stay as they are until the system closes.
    }

    private void check(List<String> failures, String what, boolean ok, String detail) {
        report.verdict("part 7: " + what, ok, detail);
        if (!ok) {
            failures.add(what + " (" + detail + ")");
        }
    }

    private static List<String> row(String name, List<Double> values) {
        Stats st = Stats.of(values.stream().mapToDouble(Double::doubleValue).toArray());
        return List.of(name, String.valueOf(st.count()), Stats.ms(st.percentile(50)), Stats.ms(st.percentile(95)),
                Stats.ms(st.max()), Stats.ms(st.mean()));
    }

    private Map<String, Integer> activityStates(List<String> ids) {
        Map<String, Integer> result = new java.util.TreeMap<>();
        system.jdbc.query(con -> {
            var ps = con.prepareStatement("SELECT state, count(*) FROM session_activity WHERE session_id = ANY (?) GROUP BY state");
            ps.setArray(1, con.createArrayOf("text", ids.toArray()));
            return ps;
        }, rs -> {
            result.put(rs.getString(1), rs.getInt(2));
        });
        return result;
    }

    /** One user's session: requested, awaited until active, its client URL opened. */
    private Connected connect(HttpClient client, String user) {
        String token = system.token(user);
        Http.Reply reply = Http.await(Http.post(client, "/api/v1/sessions", token, Http.sessionRequest("ubuntu-22-04")));
        if (reply.status() != 202) {
            throw new IllegalStateException("part 7: POST /api/v1/sessions for " + user + " answered " + reply.status() + ": " + reply.body());
        }
        String id = reply.json().path("id").asString();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String status = "unseen";
        while (System.nanoTime() < deadline) {
            Http.Reply r = Http.await(Http.get(client, "/api/v1/sessions/" + id, token));
            if (r.status() == 200) {
                status = r.json().path("status").asString();
                if ("active".equals(status)) {
                    String url = Objects.requireNonNull(r.json().path("guacamole_url").asString(null), "guacamole_url");
                    system.guacamole.openClient(url, user);
                    return new Connected(user, token, id, url);
                }
                if (!"provisioning".equals(status)) {
                    break;
                }
            }
            BenchSystem.sleep(Duration.ofMillis(20));
        }
        throw new IllegalStateException("part 7: session " + id + " of " + user + " not active (last seen " + status + ")");
    }
}

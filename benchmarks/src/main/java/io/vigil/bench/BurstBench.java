package io.vigil.bench;

import io.vigil.simulators.proxmox.VmSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * Part 3: N sessions requested at the same moment by N different users, then the invariants: clean answers only,
 * nothing stuck in provisioning, no VM without an active session (and one VM per active session), no lost event,
 * and a query side that agrees with the event store.
 */
final class BurstBench {
    private static final Duration SETTLE_WITHIN = Duration.ofSeconds(120);
    private static final Map<String, String> STATUS_OF_LAST_EVENT = Map.of(
            "SessionRequested", "provisioning", "VmIdReserved", "provisioning", "VmCloned", "provisioning",
            "VmBooted", "provisioning", "ProvisioningRetryScheduled", "provisioning", "SessionActivated", "active",
            "SessionFailed", "failed", "AdminAlertRaised", "failed", "VmDestroyed", "failed");

    private final BenchSystem system;
    private final Options options;
    private final Report report;
    private final Http http;

    BurstBench(BenchSystem system, Options options, Report report, Http http) {
        this.system = system;
        this.options = options;
        this.report = report;
        this.http = http;
    }

    record Outcome(String user, int status, String code, String sessionId, double ms, String transportError) {
    }

    void run() {
        int n = options.burst();
        report.heading("3. " + n + " sessions requested at once");
        List<String> users = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            String user = String.format(Locale.ROOT, "burst-%03d", i);
            users.add(user);
            tokens.add(system.token(user));
        }
        HttpClient client = http.client("bench-burst", n);
        long t0 = System.nanoTime();
        List<Outcome> outcomes = Flux.range(0, n)
                .flatMap(i -> {
                    long start = System.nanoTime();
                    return Http.post(client, "/api/v1/sessions", tokens.get(i), Http.sessionRequest("ubuntu-22-04"))
                            .map(r -> new Outcome(users.get(i), r.status(), r.errorCode(),
                                    r.status() == 202 ? r.json().path("id").asString() : null, (System.nanoTime() - start) / 1e6, null))
                            .onErrorResume(e -> Mono.just(new Outcome(users.get(i), -1, "", null,
                                    (System.nanoTime() - start) / 1e6, e.toString())));
                }, n)
                .collectList()
                .block(Duration.ofSeconds(180));
        double allAnsweredMs = (System.nanoTime() - t0) / 1e6;
        http.release("bench-burst");
        List<Outcome> admitted = outcomes.stream().filter(o -> o.status() == 202).toList();
        List<String> ids = admitted.stream().map(Outcome::sessionId).toList();

        // bounded wait: every admitted session in the view, none still provisioning, failed ones' VMs removed
        long settleStart = System.nanoTime();
        Map<String, ViewRow> view = Map.of();
        boolean settled = false;
        while (System.nanoTime() - settleStart < SETTLE_WITHIN.toNanos()) {
            view = view(ids);
            boolean allThere = view.size() == ids.size();
            boolean noneProvisioning = view.values().stream().noneMatch(r -> r.status().equals("provisioning"));
            boolean failedVmsGone = view.values().stream().filter(r -> r.status().equals("failed"))
                    .allMatch(r -> r.vmid() == null || r.vmDestroyed());
            if (allThere && noneProvisioning && failedVmsGone) {
                settled = true;
                break;
            }
            BenchSystem.sleep(Duration.ofMillis(100));
        }
        double settledMs = (System.nanoTime() - t0) / 1e6;
        system.awaitProcessorsIdle(Duration.ofSeconds(60));
        view = view(ids);

        Map<String, Long> byAnswer = new TreeMap<>(outcomes.stream().collect(Collectors.groupingBy(
                o -> o.status() == -1 ? "transport error" : o.status() + (o.code().isEmpty() ? "" : " " + o.code()),
                Collectors.counting())));
        Map<String, Long> byStatus = new TreeMap<>(view.values().stream().collect(Collectors.groupingBy(ViewRow::status, Collectors.counting())));
        Stats answerMs = Stats.of(outcomes.stream().mapToDouble(Outcome::ms).toArray());
        report.line(n + " users (`burst-001`…) each POST one session at the same moment over " + n
                + " connections (per-user quota is not the limit here; node capacity is). Simulated cluster: 7 nodes × 128 GiB,"
                + " template 4 GiB, admission refuses above a 0.85 load score.");
        report.line("");
        List<List<String>> rows = new ArrayList<>();
        byAnswer.forEach((k, v) -> rows.add(List.of("HTTP " + k, String.valueOf(v))));
        byStatus.forEach((k, v) -> rows.add(List.of("admitted, now `" + k + "`", String.valueOf(v))));
        rows.add(List.of("all answers received after", Stats.ms(allAnsweredMs) + " ms (answer p50 "
                + Stats.ms(answerMs.percentile(50)) + " ms, p95 " + Stats.ms(answerMs.percentile(95)) + " ms)"));
        rows.add(List.of("settled (none provisioning) after", settled ? Stats.ms(settledMs) + " ms" : "not within "
                + SETTLE_WITHIN.toSeconds() + " s"));
        report.table(List.of("outcome", "count"), rows);
        failureReasons(ids);

        // 1. clean answers
        List<Outcome> unclean = outcomes.stream().filter(o -> !(o.status() == 202
                || ((o.status() == 409 || o.status() == 503) && !o.code().isEmpty()))).toList();
        report.verdict("every answer is 202 or a clean refusal (409/503 with an error code)", unclean.isEmpty(),
                unclean.isEmpty() ? admitted.size() + " admitted, " + (n - admitted.size()) + " refused"
                        : unclean.size() + " others, e.g. " + unclean.get(0));

        // 2. settled
        long provisioning = view.values().stream().filter(r -> r.status().equals("provisioning")).count();
        report.verdict("none left in provisioning after a bounded wait (" + SETTLE_WITHIN.toSeconds() + " s)",
                settled && provisioning == 0 && view.size() == ids.size(),
                view.size() + " of " + ids.size() + " admitted sessions in session_view; " + provisioning + " provisioning");

        // 3. orphan VMs: over the whole system, not only this burst
        Map<String, List<VmSnapshot>> vmsByName = system.proxmox.vms().stream()
                .filter(vm -> !vm.template() && vm.name() != null && vm.name().startsWith("vigil-"))
                .collect(Collectors.groupingBy(VmSnapshot::name));
        Map<String, ViewRow> activeEverywhere = new HashMap<>();
        system.jdbc.query("SELECT session_id, status, node_name, vmid, vm_destroyed_at IS NOT NULL AS destroyed, last_sequence FROM session_view WHERE status = 'active'",
                rs -> {
                    activeEverywhere.put("vigil-" + rs.getString("session_id").toLowerCase(Locale.ROOT), ViewRow.of(rs));
                });
        List<String> orphans = vmsByName.keySet().stream().filter(name -> !activeEverywhere.containsKey(name)).sorted().toList();
        List<String> notExactlyOne = activeEverywhere.entrySet().stream().filter(e -> {
            List<VmSnapshot> vms = vmsByName.getOrDefault(e.getKey(), List.of());
            return vms.size() != 1 || !vms.get(0).running() || !Integer.valueOf(vms.get(0).vmid()).equals(e.getValue().vmid());
        }).map(Map.Entry::getKey).sorted().toList();
        report.verdict("no orphan VM: every `vigil-*` VM in the simulator belongs to an active session", orphans.isEmpty(),
                vmsByName.size() + " vigil-* VMs, " + activeEverywhere.size() + " active sessions"
                        + (orphans.isEmpty() ? "" : "; orphans: " + orphans.stream().limit(5).toList()));
        report.verdict("every active session has exactly one running VM, with the VMID the view records",
                notExactlyOne.isEmpty(), notExactlyOne.isEmpty() ? "" : notExactlyOne.size() + " do not, e.g. "
                        + notExactlyOne.stream().limit(3).map(name -> name + " (view: VMID "
                        + activeEverywhere.get(name).vmid() + ", simulator: " + vmsByName.getOrDefault(name, List.of()).stream()
                        .map(vm -> vm.vmid() + " on " + vm.node() + " " + vm.status()).toList() + ")").toList());
        if (!notExactlyOne.isEmpty()) {
            whoDestroyed(notExactlyOne, activeEverywhere);
        }
        // the VM an active session would connect its user to: the one at the VMID it recorded, on its node
        Map<String, VmSnapshot> byNodeAndVmid = new HashMap<>();
        system.proxmox.vms().forEach(vm -> byNodeAndVmid.put(vm.node() + "/" + vm.vmid(), vm));
        List<String> adopted = new ArrayList<>();
        activeEverywhere.forEach((name, row) -> {
            VmSnapshot vm = row.vmid() == null ? null : byNodeAndVmid.get(row.node() + "/" + row.vmid());
            if (vm != null && !name.equals(vm.name())) {
                adopted.add(name.substring("vigil-".length()).toUpperCase(Locale.ROOT) + " → " + vm.name() + " (VMID " + vm.vmid() + ")");
            }
        });
        report.verdict("no active session points at a VM made for another session", adopted.isEmpty(),
                adopted.isEmpty() ? "" : adopted.size() + " do, e.g. " + adopted.stream().sorted().limit(3).toList());

        // 4. no lost event, and 5. the query side agrees with the event store
        Map<String, List<String[]>> events = events(ids);
        List<String> lost = new ArrayList<>();
        List<String> disagree = new ArrayList<>();
        int eventCount = 0;
        for (String id : ids) {
            List<String[]> list = events.getOrDefault(id, List.of());
            eventCount += list.size();
            List<String> types = list.stream().map(e -> e[1]).toList();
            boolean contiguous = true;
            for (int i = 0; i < list.size(); i++) {
                contiguous &= Long.parseLong(list.get(i)[0]) == i;
            }
            ViewRow row = view.get(id);
            boolean complete = contiguous && !types.isEmpty() && types.get(0).equals("SessionRequested");
            if (row != null && row.status().equals("active")) {
                // a VMID lost to another clone is reserved again (one more VmIdReserved); retries are recorded too
                List<String> path = new ArrayList<>();
                for (String t : types) {
                    if (!t.equals("ProvisioningRetryScheduled") && !(t.equals("VmIdReserved") && !path.isEmpty()
                            && path.get(path.size() - 1).equals("VmIdReserved"))) {
                        path.add(t);
                    }
                }
                complete &= path.equals(LatencyBench.STEPS);
            } else if (row != null && row.status().equals("failed")) {
                complete &= types.contains("SessionFailed");
            }
            if (!complete) {
                lost.add(id + " " + types);
            }
            String expected = types.isEmpty() ? "absent" : STATUS_OF_LAST_EVENT.getOrDefault(lastStatusEvent(types), "?");
            // the session view folds every session event but AdminAlertRaised (that one feeds the alert view)
            long projected = -1;
            for (String[] e : list) {
                if (!e[1].equals("AdminAlertRaised")) {
                    projected = Long.parseLong(e[0]);
                }
            }
            if (row == null || !row.status().equals(expected) || row.lastSequence() != projected) {
                disagree.add(id + " view=" + (row == null ? "absent" : row.status() + "@" + row.lastSequence())
                        + " events=" + expected + "@" + projected);
            }
        }
        Map<String, Integer> requestedByUser = new HashMap<>();
        system.jdbc.query("SELECT convert_from(metadata, 'UTF8')::jsonb ->> 'userId' AS u, count(*) AS n FROM domainevententry "
                + "WHERE payloadtype = 'io.vigil.core.session.SessionRequested' AND convert_from(metadata, 'UTF8')::jsonb ->> 'userId' LIKE 'burst-%' GROUP BY 1",
                rs -> {
                    requestedByUser.put(rs.getString("u"), rs.getInt("n"));
                });
        List<String> refusedButWritten = outcomes.stream().filter(o -> o.status() != 202)
                .filter(o -> requestedByUser.getOrDefault(o.user(), 0) > 0).map(Outcome::user).toList();
        List<String> admittedNotOnce = admitted.stream().filter(o -> requestedByUser.getOrDefault(o.user(), 0) != 1)
                .map(Outcome::user).toList();
        report.verdict("no lost event: each admitted session's events are gap-free from 0 and complete (active: "
                        + "SessionRequested, VmIdReserved (again after a lost VMID race), VmCloned, VmBooted, SessionActivated;"
                        + " failed: SessionFailed)",
                lost.isEmpty() && admittedNotOnce.isEmpty(),
                eventCount + " events for " + ids.size() + " sessions" + (lost.isEmpty() ? "" : "; incomplete: "
                        + lost.stream().limit(3).toList()) + (admittedNotOnce.isEmpty() ? "" : "; not exactly one "
                        + "SessionRequested for " + admittedNotOnce.stream().limit(3).toList()));
        report.verdict("a refusal writes nothing (no SessionRequested for refused users)", refusedButWritten.isEmpty(),
                refusedButWritten.isEmpty() ? "" : refusedButWritten.size() + " refused users have events, e.g. "
                        + refusedButWritten.stream().limit(3).toList());
        report.verdict("session_view agrees with the event store (status and last sequence per session)",
                disagree.isEmpty(), disagree.isEmpty() ? "" : disagree.size() + " differ, e.g. " + disagree.stream().limit(3).toList());
    }

    /** Why admitted sessions failed, grouped (numbers and node names folded together). */
    private void failureReasons(List<String> ids) {
        Map<String, Long> reasons = new TreeMap<>();
        system.jdbc.query(con -> {
            var ps = con.prepareStatement("SELECT failure_reason FROM session_view WHERE status = 'failed' AND session_id = ANY (?)");
            ps.setArray(1, con.createArrayOf("text", ids.toArray()));
            return ps;
        }, rs -> {
            String reason = String.valueOf(rs.getString("failure_reason")).replaceAll("pve-\\d+", "pve-N")
                    .replaceAll("\\d+", "N");
            reasons.merge(reason, 1L, Long::sum);
        });
        if (reasons.isEmpty()) {
            return;
        }
        report.line("Why admitted sessions failed (session_view.failure_reason, digits folded):");
        report.line("");
        List<List<String>> rows = new ArrayList<>();
        reasons.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> rows.add(List.of("`" + e.getKey().replace("|", "/") + "`", String.valueOf(e.getValue()))));
        report.table(List.of("failure reason", "sessions"), rows);
        Integer reservations = system.jdbc.query(con -> {
            var ps = con.prepareStatement("SELECT count(*) FROM domainevententry WHERE payloadtype = "
                    + "'io.vigil.core.session.VmIdReserved' AND aggregateidentifier = ANY (?)");
            ps.setArray(1, con.createArrayOf("varchar", ids.toArray()));
            return ps;
        }, rs -> rs.next() ? rs.getInt(1) : 0);
        report.line("`VmIdReserved` events for the " + ids.size() + " admitted sessions: " + reservations
                + " (one per session when no two sagas get the same VMID from `nextid`).");
        report.line("");
    }

    /**
     * For an active session without its VM: which other sessions recorded the same VMID on the same node, and
     * whether they were torn down (a teardown destroys the VM at the VMID it recorded).
     */
    private void whoDestroyed(List<String> names, Map<String, ViewRow> active) {
        for (String name : names.stream().limit(3).toList()) {
            ViewRow row = active.get(name);
            String id = name.substring("vigil-".length()).toUpperCase(Locale.ROOT);
            List<String> others = system.jdbc.query("SELECT v.session_id, v.status, v.node_name, v.vmid, "
                            + "v.vm_destroyed_at IS NOT NULL AS destroyed FROM session_view v WHERE v.vmid = ? "
                            + "AND v.session_id <> ? AND v.node_name = (SELECT node_name FROM session_view WHERE session_id = ?)",
                    (rs, i) -> rs.getString("session_id") + " (" + rs.getString("status") + ", VMID " + rs.getInt("vmid")
                            + " on " + rs.getString("node_name") + (rs.getBoolean("destroyed") ? ", VM destroyed by its teardown" : "") + ")",
                    row.vmid(), id, id);
            report.line("  - " + id + " (active, VMID " + row.vmid() + "): other sessions with that VMID on its node: "
                    + (others.isEmpty() ? "none" : others));
        }
        report.line("");
    }

    private static String lastStatusEvent(List<String> types) {
        for (int i = types.size() - 1; i >= 0; i--) {
            if (STATUS_OF_LAST_EVENT.containsKey(types.get(i))) {
                return types.get(i);
            }
        }
        return "";
    }

    record ViewRow(String status, String node, Integer vmid, boolean vmDestroyed, long lastSequence) {
        static ViewRow of(java.sql.ResultSet rs) throws java.sql.SQLException {
            int value = rs.getInt("vmid");
            Integer vmid = rs.wasNull() ? null : value;
            return new ViewRow(rs.getString("status"), rs.getString("node_name"), vmid, rs.getBoolean("destroyed"),
                    rs.getLong("last_sequence"));
        }
    }

    private Map<String, ViewRow> view(List<String> ids) {
        Map<String, ViewRow> result = new HashMap<>();
        system.jdbc.query(con -> {
            var ps = con.prepareStatement("SELECT session_id, status, node_name, vmid, vm_destroyed_at IS NOT NULL AS destroyed, "
                    + "last_sequence FROM session_view WHERE session_id = ANY (?)");
            ps.setArray(1, con.createArrayOf("text", ids.toArray()));
            return ps;
        }, rs -> {
            result.put(rs.getString("session_id"), ViewRow.of(rs));
        });
        return result;
    }

    /** Per session: [sequence number, event type] in order. */
    private Map<String, List<String[]>> events(List<String> ids) {
        Map<String, List<String[]>> result = new HashMap<>();
        system.jdbc.query(con -> {
            var ps = con.prepareStatement("SELECT aggregateidentifier, sequencenumber, payloadtype FROM domainevententry "
                    + "WHERE aggregateidentifier = ANY (?) ORDER BY aggregateidentifier, sequencenumber");
            ps.setArray(1, con.createArrayOf("varchar", ids.toArray()));
            return ps;
        }, rs -> {
            String type = rs.getString("payloadtype");
            result.computeIfAbsent(rs.getString("aggregateidentifier"), k -> new ArrayList<>())
                    .add(new String[] {String.valueOf(rs.getLong("sequencenumber")), type.substring(type.lastIndexOf('.') + 1)});
        });
        return result;
    }
}

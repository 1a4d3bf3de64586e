package io.vigil.bench;

import io.vigil.command.HibernationProperties;
import io.vigil.command.ProvisioningProperties;
import io.vigil.simulators.proxmox.ProxmoxSimulator;
import io.vigil.simulators.proxmox.TaskSnapshot;
import io.vigil.simulators.proxmox.VmSnapshot;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;

/**
 * What parts 5–7 (idle detection, hibernation, resume) share: the short settings their system runs with, the
 * sessions' events with their timestamps and payloads, the simulator's record of suspend tasks, and clean-up.
 */
final class Hibernation {
    /** Properties of the system parts 5–7 run on; a {@code -D} on the bench JVM overrides each. */
    static final Map<String, String> PROPERTIES = Map.of(
            "vigil.hibernation.idle-threshold", "2s",
            "vigil.hibernation.warning", "2s",
            "vigil.hibernation.activity-poll-interval", "250ms");

    private Hibernation() {
    }

    /** One event of a session, as the store holds it. */
    record Event(long seq, String type, Instant at, JsonNode payload) {
    }

    /** The settings in effect, read back from the running system. */
    record Settings(Duration idleThreshold, Duration warning, Duration activityPoll, Duration schedulerPolling,
                    Duration pollInitial) {
        static Settings of(BenchSystem system) {
            HibernationProperties h = system.context.getBean(HibernationProperties.class);
            ProvisioningProperties p = system.context.getBean(ProvisioningProperties.class);
            String polling = system.property("db-scheduler.polling-interval");
            return new Settings(h.idleThreshold(), h.warning(), h.activityPollInterval(),
                    polling == null ? Duration.ofSeconds(10) : parse(polling), p.pollInitial());
        }

        String describe() {
            return "`vigil.hibernation.idle-threshold` = " + ms(idleThreshold) + ", `warning` = " + ms(warning)
                    + ", `activity-poll-interval` = " + ms(activityPoll) + "; `db-scheduler.polling-interval` = "
                    + ms(schedulerPolling) + " (the sweep, the hibernation deadline and every saga poll are"
                    + " db-scheduler executions); `vigil.provisioning.poll-initial` = " + ms(pollInitial);
        }

        private static Duration parse(String text) {
            String t = text.trim().toLowerCase(Locale.ROOT);
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2).trim()));
            }
            if (t.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1).trim()) * 1000));
            }
            return Duration.parse(text);
        }
    }

    static String ms(Duration d) {
        return d.toMillis() + " ms";
    }

    static double ms(Instant from, Instant to) {
        return from == null || to == null ? Double.NaN : Duration.between(from, to).toNanos() / 1e6;
    }

    static String vmName(String sessionId) {
        return "vigil-" + sessionId.toLowerCase(Locale.ROOT);
    }

    /** Every event of these sessions, in sequence order. */
    static Map<String, List<Event>> events(BenchSystem system, Collection<String> ids) {
        Map<String, List<Event>> result = new LinkedHashMap<>();
        ids.forEach(id -> result.put(id, new ArrayList<>()));
        system.jdbc.query(con -> {
            var ps = con.prepareStatement("SELECT aggregateidentifier, sequencenumber, payloadtype, \"timestamp\","
                    + " convert_from(payload, 'UTF8') AS payload FROM domainevententry WHERE aggregateidentifier = ANY (?)"
                    + " ORDER BY aggregateidentifier, sequencenumber");
            ps.setArray(1, con.createArrayOf("varchar", ids.toArray()));
            return ps;
        }, rs -> {
            String type = rs.getString("payloadtype");
            JsonNode payload;
            try {
                payload = Http.JSON.readTree(rs.getString("payload"));
            } catch (RuntimeException e) {
                payload = Http.JSON.missingNode();
            }
            result.get(rs.getString("aggregateidentifier")).add(new Event(rs.getLong("sequencenumber"),
                    type.substring(type.lastIndexOf('.') + 1), Instant.parse(rs.getString("timestamp")), payload));
        });
        return result;
    }

    static List<Event> of(List<Event> events, String type) {
        return events.stream().filter(e -> e.type().equals(type)).toList();
    }

    static Event last(List<Event> events, String type) {
        List<Event> all = of(events, type);
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    /** Sequence numbers 0, 1, 2… without a gap. */
    static boolean gapFree(List<Event> events) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).seq() != i) {
                return false;
            }
        }
        return !events.isEmpty();
    }

    /** An instant in an event's payload: ISO text, or seconds with a fraction, as Jackson may write either. */
    static Instant instant(JsonNode payload, String field) {
        JsonNode n = payload.path(field);
        if (n.isNumber()) {
            BigDecimal seconds = n.decimalValue();
            return Instant.ofEpochSecond(seconds.longValue(),
                    seconds.subtract(new BigDecimal(seconds.longValue())).movePointRight(9).longValue());
        }
        if (n.isString()) {
            return Instant.parse(n.asString());
        }
        return null;
    }

    /** {@code session_view.status} of these sessions. */
    static Map<String, String> statuses(BenchSystem system, Collection<String> ids) {
        Map<String, String> result = new HashMap<>();
        system.jdbc.query(con -> {
            var ps = con.prepareStatement("SELECT session_id, status FROM session_view WHERE session_id = ANY (?)");
            ps.setArray(1, con.createArrayOf("text", ids.toArray()));
            return ps;
        }, rs -> {
            result.put(rs.getString(1), rs.getString(2));
        });
        return result;
    }

    /**
     * Waits until every one of these sessions shows {@code status} in session_view, or one shows a status that
     * cannot lead there; answers the statuses at that moment.
     */
    static Map<String, String> awaitStatus(BenchSystem system, Collection<String> ids, String status, Set<String> hopeless,
                                           Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        Map<String, String> now = statuses(system, ids);
        while (System.nanoTime() < deadline) {
            now = statuses(system, ids);
            if (now.size() == ids.size() && now.values().stream().allMatch(status::equals)) {
                return now;
            }
            if (now.values().stream().anyMatch(hopeless::contains)) {
                return now;
            }
            BenchSystem.sleep(Duration.ofMillis(50));
        }
        return now;
    }

    static Map<String, Long> count(Map<String, String> statuses) {
        Map<String, Long> result = new java.util.TreeMap<>();
        statuses.values().forEach(s -> result.merge(s, 1L, Long::sum));
        return result;
    }

    /** The simulator's own record of suspend tasks ({@code qmsuspend}), per "node/vmid": each exit status. */
    static SuspendTasks suspendTasks(ProxmoxSimulator proxmox) {
        List<TaskSnapshot> tasks = proxmox.tasks();
        Map<String, List<String>> byVm = new HashMap<>();
        for (TaskSnapshot task : tasks) {
            if ("qmsuspend".equals(task.type())) {
                byVm.computeIfAbsent(task.node() + "/" + task.vmid(), k -> new ArrayList<>())
                        .add(String.valueOf(task.exitStatus()));
            }
        }
        return new SuspendTasks(byVm, tasks.size(), null);
    }

    /** @param error why the task table could not be read; null when it was */
    record SuspendTasks(Map<String, List<String>> byVm, int tableSize, String error) {
        /** The table is trimmed at 10,000 tasks: beyond that, "exactly once" cannot be told from it. */
        boolean complete() {
            return error == null && tableSize < 10_000;
        }

        List<String> of(String node, int vmid) {
            return byVm.getOrDefault(node + "/" + vmid, List.of());
        }
    }

    static Map<String, List<VmSnapshot>> vmsByName(ProxmoxSimulator proxmox) {
        Map<String, List<VmSnapshot>> result = new HashMap<>();
        for (VmSnapshot vm : proxmox.vms()) {
            if (!vm.template() && vm.name() != null) {
                result.computeIfAbsent(vm.name(), k -> new ArrayList<>()).add(vm);
            }
        }
        return result;
    }

    /**
     * Ends these sessions (each with its owner's token) and waits until they are over and their VMs gone, so the
     * next part starts on an empty cluster.
     */
    static void endAll(BenchSystem system, Http http, Report report, Map<String, String> tokenById) {
        HttpClient client = http.client("bench-end", 4);
        List<Http.Reply> replies = Flux.fromIterable(tokenById.entrySet())
                .flatMap(e -> Http.delete(client, "/api/v1/sessions/" + e.getKey(), e.getValue()), 4)
                .collectList().block(Duration.ofSeconds(120));
        long refused = replies == null ? tokenById.size() : replies.stream().filter(r -> r.status() != 202).count();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        Set<String> names = new java.util.HashSet<>(tokenById.keySet().stream().map(Hibernation::vmName).toList());
        while (System.nanoTime() < deadline) {
            Map<String, String> s = statuses(system, tokenById.keySet());
            boolean over = s.values().stream().allMatch(v -> v.equals("ended") || v.equals("expired") || v.equals("failed"));
            boolean vmsGone = system.proxmox.vms().stream().noneMatch(vm -> names.contains(vm.name()));
            if (over && vmsGone) {
                report.line("Afterwards the part's " + tokenById.size() + " sessions were ended and their VMs removed"
                        + (refused > 0 ? " (" + refused + " DELETEs not answered 202)" : "") + ".");
                http.release("bench-end");
                return;
            }
            BenchSystem.sleep(Duration.ofMillis(100));
        }
        http.release("bench-end");
        report.line("> ending this part's sessions had not finished after 120 s: " + count(statuses(system, tokenById.keySet())));
    }
}

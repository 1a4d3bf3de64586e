package io.vigil.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What to run and for how long. Arguments: {@code --parts=1,2,3,4,5,6,7,8}, {@code --end-sessions=N} (part 8), {@code --quick} (short windows, for
 * trying the bench out), {@code --sessions=N} (part 2), {@code --burst=N} (part 3), {@code --connections=N} (part
 * 4), {@code --duration=S} (measured seconds per read run), {@code --append-duration=S}, {@code --warmup=S} (per
 * measurement), {@code --read-warmup=S} (before the first read run: the JIT needs it), {@code --no-profile} (skip
 * the profiled extra run of part 4), {@code --idle-sessions=N} (part 5), {@code --resume-sessions=N} (part 6, per
 * latency), {@code --resume-latencies=MS,MS} (part 6), {@code --idle-burst=N} (part 7), {@code --suspend-ms=MS}
 * (the simulator's suspend latency, parts 5 and 7).
 */
record Options(Set<Integer> parts, List<Integer> appendCallers, Duration appendDuration, Duration warmup,
               Duration shortWarmup, int sessions, int sseProbes, Duration pollInterval, int burst, int connections,
               Duration readDuration, Duration readWarmup, boolean profile, int idleSessions, int resumeSessions,
               List<Integer> resumeLatenciesMs, int idleBurst, int suspendMs, int endSessions, List<Integer> fleetSizes,
               Duration fleetInterval, Duration fleetWindow) {

    static final Set<Integer> HIBERNATION_PARTS = Set.of(5, 6, 7);
    static final Set<Integer> CLUSTER_PARTS = Set.of(8);
    /** Part 9 runs only when asked for: it takes a quarter of an hour and most of the machine's memory. */
    static final Set<Integer> FLEET_PARTS = Set.of(9);
    private static final String KNOWN = "--parts=1,2,3,4,5,6,7 --quick --sessions=N --burst=N --connections=N --duration=S"
            + " --append-duration=S --warmup=S --read-warmup=S --no-profile --idle-sessions=N --resume-sessions=N"
            + " --resume-latencies=MS,MS --idle-burst=N --suspend-ms=MS --end-sessions=N --fleet=N,N --fleet-interval=S"
            + " --fleet-window=S";

    boolean anyOf(Set<Integer> which) {
        return parts.stream().anyMatch(which::contains);
    }

    boolean anyClassic() {
        return parts.stream().anyMatch(p -> !HIBERNATION_PARTS.contains(p) && !CLUSTER_PARTS.contains(p)
                && !FLEET_PARTS.contains(p));
    }

    String describe() {
        return "parts " + parts + "; part 1: " + appendCallers + " callers, " + appendDuration.toSeconds() + " s each; part 2: "
                + sessions + " sessions; part 3: " + burst + " at once; part 4: " + connections + " connections, "
                + readDuration.toSeconds() + " s each after " + readWarmup.toSeconds() + " s warm-up"
                + (profile ? ", then a profiled run" : "") + "; part 5: " + idleSessions + " sessions; part 6: "
                + resumeSessions + " resumes at each resume latency " + resumeLatenciesMs + " ms; part 7: " + idleBurst
                + " idle at once; suspend latency " + suspendMs + " ms; part 8: " + endSessions
                + " sessions ended under faults; part 9: fleets of " + fleetSizes + " devices at "
                + fleetInterval.toSeconds() + " s, " + fleetWindow.toSeconds() + " s measured each";
    }

    static Options parse(String[] args) {
        Set<Integer> parts = new LinkedHashSet<>(List.of(1, 2, 3, 4, 5, 6, 7, 8));
        boolean quick = false;
        Integer sessions = null;
        Integer burst = null;
        Integer connections = null;
        Integer duration = null;
        Integer appendDuration = null;
        Integer warmup = null;
        Integer readWarmup = null;
        boolean profile = true;
        Integer idleSessions = null;
        Integer resumeSessions = null;
        List<Integer> resumeLatencies = List.of(0, 500);
        int idleBurst = 100;
        int suspendMs = 200;
        Integer endSessions = null;
        List<Integer> fleet = List.of(1000, 5000, 10000, 25000);
        int fleetInterval = 60;
        Integer fleetWindow = null;
        for (String raw : args) {
            for (String arg : raw.trim().split("\\s+")) {
                if (arg.isBlank()) {
                    continue;
                }
                String[] kv = arg.split("=", 2);
                String value = kv.length > 1 ? kv[1] : "";
                switch (kv[0]) {
                    case "--help", "-h" -> throw new IllegalArgumentException("arguments: " + KNOWN
                            + " (parts: 1 append throughput, 2 request to active, 3 burst, 4 query throughput,"
                            + " 5 idle threshold to hibernated, 6 resume time, 7 many sessions idle at once,"
                            + " 8 sessions ended at any moment under faults, 9 a fleet of cameras (only when asked for);"
                            + " see docs/benchmarks.md)");
                    case "--parts" -> {
                        parts.clear();
                        Arrays.stream(value.split(",")).map(String::trim).map(Integer::parseInt).forEach(parts::add);
                        if (parts.stream().anyMatch(p -> p < 1 || p > 9)) {
                            throw new IllegalArgumentException("parts are 1 to 9: " + value);
                        }
                    }
                    case "--quick" -> quick = true;
                    case "--sessions" -> sessions = Integer.parseInt(value);
                    case "--burst" -> burst = Integer.parseInt(value);
                    case "--connections" -> connections = Integer.parseInt(value);
                    case "--duration" -> duration = Integer.parseInt(value);
                    case "--append-duration" -> appendDuration = Integer.parseInt(value);
                    case "--warmup" -> warmup = Integer.parseInt(value);
                    case "--read-warmup" -> readWarmup = Integer.parseInt(value);
                    case "--no-profile" -> profile = false;
                    case "--idle-sessions" -> idleSessions = Integer.parseInt(value);
                    case "--resume-sessions" -> resumeSessions = Integer.parseInt(value);
                    case "--resume-latencies" -> resumeLatencies = Arrays.stream(value.split(",")).map(String::trim)
                            .map(Integer::parseInt).toList();
                    case "--idle-burst" -> idleBurst = Integer.parseInt(value);
                    case "--suspend-ms" -> suspendMs = Integer.parseInt(value);
                    case "--end-sessions" -> endSessions = Integer.parseInt(value);
                    case "--fleet" -> fleet = Arrays.stream(value.split(",")).map(String::trim).map(Integer::parseInt).toList();
                    case "--fleet-interval" -> fleetInterval = Integer.parseInt(value);
                    case "--fleet-window" -> fleetWindow = Integer.parseInt(value);
                    default -> throw new IllegalArgumentException("unknown argument " + arg + " (known: " + KNOWN + ")");
                }
            }
        }
        return new Options(parts, List.of(1, 8, 32),
                Duration.ofSeconds(appendDuration != null ? appendDuration : quick ? 3 : 10),
                Duration.ofSeconds(warmup != null ? warmup : quick ? 2 : 5),
                Duration.ofSeconds(quick ? 1 : 2),
                sessions != null ? sessions : quick ? 20 : 100,
                5,
                Duration.ofMillis(5),
                burst != null ? burst : 200,
                connections != null ? connections : 64,
                Duration.ofSeconds(duration != null ? duration : quick ? 4 : 15),
                Duration.ofSeconds(readWarmup != null ? readWarmup : quick ? 15 : 90),
                profile,
                idleSessions != null ? idleSessions : quick ? 10 : 30,
                resumeSessions != null ? resumeSessions : quick ? 5 : 20,
                resumeLatencies, idleBurst, suspendMs, endSessions != null ? endSessions : quick ? 50 : 200,
                quick ? List.of(200) : fleet, Duration.ofSeconds(fleetInterval),
                Duration.ofSeconds(fleetWindow != null ? fleetWindow : quick ? 20 : fleetInterval));
    }
}

package io.vigil.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What to run and for how long. Arguments: {@code --parts=1,2,3,4}, {@code --quick} (short windows, for trying
 * the bench out), {@code --sessions=N} (part 2), {@code --burst=N} (part 3), {@code --connections=N} (part 4),
 * {@code --duration=S} (measured seconds per read run), {@code --append-duration=S}, {@code --warmup=S} (per
 * measurement), {@code --read-warmup=S} (before the first read run: the JIT needs it), {@code --no-profile} (skip
 * the profiled extra run of part 4).
 */
record Options(Set<Integer> parts, List<Integer> appendCallers, Duration appendDuration, Duration warmup,
               Duration shortWarmup, int sessions, int sseProbes, Duration pollInterval, int burst, int connections,
               Duration readDuration, Duration readWarmup, boolean profile) {

    String describe() {
        return "parts " + parts + "; part 1: " + appendCallers + " callers, " + appendDuration.toSeconds() + " s each; part 2: "
                + sessions + " sessions; part 3: " + burst + " at once; part 4: " + connections + " connections, "
                + readDuration.toSeconds() + " s each after " + readWarmup.toSeconds() + " s warm-up"
                + (profile ? ", then a profiled run" : "");
    }

    static Options parse(String[] args) {
        Set<Integer> parts = new LinkedHashSet<>(List.of(1, 2, 3, 4));
        boolean quick = false;
        Integer sessions = null;
        Integer burst = null;
        Integer connections = null;
        Integer duration = null;
        Integer appendDuration = null;
        Integer warmup = null;
        Integer readWarmup = null;
        boolean profile = true;
        for (String raw : args) {
            for (String arg : raw.trim().split("\\s+")) {
                if (arg.isBlank()) {
                    continue;
                }
                String[] kv = arg.split("=", 2);
                String value = kv.length > 1 ? kv[1] : "";
                switch (kv[0]) {
                    case "--parts" -> {
                        parts.clear();
                        Arrays.stream(value.split(",")).map(String::trim).map(Integer::parseInt).forEach(parts::add);
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
                    default -> throw new IllegalArgumentException("unknown argument " + arg
                            + " (known: --parts=1,2,3,4 --quick --sessions=N --burst=N --connections=N --duration=S"
                            + " --append-duration=S --warmup=S --read-warmup=S --no-profile)");
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
                profile);
    }
}

package io.vigil.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The Vigil benchmark: boots the whole system in this JVM (command side, query side, zero-latency Proxmox and
 * Guacamole simulators, a fresh database) and measures it from an in-JVM load generator on 127.0.0.1. Prints
 * Markdown tables and writes them to {@code -Dbench.out} (default {@code target/results.md}).
 * <p>
 * Parts 1-4 (append throughput, request to active, burst, query throughput) run on one system; parts 5-7 (idle
 * detection to hibernation, resume, many sessions idle at once) on a second one started with short hibernation
 * settings, so that sessions of parts 1-4 never hibernate under their feet.
 * <p>
 * {@code ./mvnw -q -pl benchmarks -am -DskipTests -Pbench verify} — see docs/benchmarks.md.
 */
public final class VigilBench {

    private VigilBench() {
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            boolean help = java.util.Arrays.stream(args).anyMatch(a -> a.contains("--help") || a.trim().equals("-h"));
            System.exit(help ? 0 : 2);
            return;
        }
        Report report = new Report();
        Path out = Path.of(System.getProperty("bench.out", "target/results.md"));
        long started = System.nanoTime();
        int exit = 0;
        if (options.profile() && options.parts().contains(4)) {
            Profiler.initialise();
        }
        BenchSystem system = null;
        boolean described = false;
        try {
            if (options.anyClassic()) {
                system = BenchSystem.start();
                try (Http http = new Http(system.baseUrl(), 2)) {
                    machine(report, system, options);
                    described = true;
                    if (options.parts().contains(1)) {
                        new AppendBench(system, options, report).run();
                        system.awaitProcessorsIdle(Duration.ofSeconds(120));
                    }
                    if (options.parts().contains(2)) {
                        new LatencyBench(system, options, report, http).run();
                        system.awaitProcessorsIdle(Duration.ofSeconds(60));
                    }
                    if (options.parts().contains(3)) {
                        new BurstBench(system, options, report, http).run();
                        system.awaitProcessorsIdle(Duration.ofSeconds(60));
                    }
                    if (options.parts().contains(4)) {
                        new ReadBench(system, options, report, http).run();
                    }
                }
                BenchSystem done = system;
                system = null;
                done.close();
            }
            if (options.anyOf(Options.HIBERNATION_PARTS)) {
                // Idle threshold, warning and sweep interval are read once at start-up, and at 2 s a session of
                // parts 1-4 would hibernate under their feet: parts 5-7 get a system of their own.
                system = BenchSystem.start(Hibernation.PROPERTIES, BenchSystem.HIBERNATION_REDIS_DATABASE);
                try (Http http = new Http(system.baseUrl(), 2)) {
                    if (!described) {
                        machine(report, system, options);
                        described = true;
                    }
                    report.line("");
                    report.line("Parts 5-7 run on a second system started for them (fresh database, fresh simulators, Redis"
                            + " database " + BenchSystem.HIBERNATION_REDIS_DATABASE + "), with short hibernation settings:"
                            + " " + Hibernation.Settings.of(system).describe() + ".");
                    if (options.parts().contains(5)) {
                        new IdleBench(system, options, report, http).run();
                        system.awaitProcessorsIdle(Duration.ofSeconds(60));
                    }
                    if (options.parts().contains(6)) {
                        new ResumeBench(system, options, report, http).run();
                        system.awaitProcessorsIdle(Duration.ofSeconds(60));
                    }
                    if (options.parts().contains(7)) {
                        new IdleBurstBench(system, options, report, http).run();
                    }
                }
            }
            if (options.anyOf(Options.CLUSTER_PARTS)) {
                BenchSystem previous = system;
                system = null;
                if (previous != null) {
                    previous.close();
                }
                system = BenchSystem.start(EndAnyMomentBench.PROPERTIES, BenchSystem.HIBERNATION_REDIS_DATABASE + 1,
                        EndAnyMomentBench::cluster);
                try (Http http = new Http(system.baseUrl(), 2)) {
                    if (!described) {
                        machine(report, system, options);
                    }
                    report.line("");
                    report.line("Part 8 runs on a third system: simulator latencies " + EndAnyMomentBench.LATENCIES
                            + ", faults " + EndAnyMomentBench.TEN_PERCENT + ", lock wait 500 ms.");
                    new EndAnyMomentBench(system, options, report, http).run();
                }
            }
            if (options.anyOf(Options.FLEET_PARTS)) {
                BenchSystem previous = system;
                system = null;
                if (previous != null) {
                    previous.close();
                }
                int port = FleetBench.freePort();
                system = BenchSystem.start(FleetBench.properties(port), BenchSystem.HIBERNATION_REDIS_DATABASE + 2);
                if (!described) {
                    machine(report, system, options);
                }
                new FleetBench(system, report, options.fleetSizes(), options.fleetInterval(), options.fleetWindow(), port).run();
            }
            report.summary();
            report.line("");
            report.line("Total run time " + Math.round((System.nanoTime() - started) / 1e9) + " s.");
        } catch (Exception | Error e) {
            exit = 1;
            report.summary();
            report.line("");
            report.line("**The benchmark stopped with an error:** `" + e + "`");
            e.printStackTrace();
        } finally {
            report.write(out);
            if (system != null) {
                system.close();
            }
        }
        // a few libraries leave non-daemon threads behind (embedded servers, pools): do not wait for them
        System.exit(exit);
    }

    private static void machine(Report report, BenchSystem system, Options options) throws Exception {
        report.line("# Vigil benchmark results");
        report.line("");
        String pg = system.jdbc.queryForObject("SHOW server_version", String.class);
        String syncCommit = system.jdbc.queryForObject("SHOW synchronous_commit", String.class);
        String fsync = system.jdbc.queryForObject("SHOW fsync", String.class);
        String sharedBuffers = system.jdbc.queryForObject("SHOW shared_buffers", String.class);
        String cpu = cpuModel();
        var runtime = ManagementFactory.getRuntimeMXBean();
        report.table(List.of("", ""), List.of(
                List.of("date (UTC)", ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"))),
                List.of("processors (nproc)", String.valueOf(Runtime.getRuntime().availableProcessors()) + (cpu.isEmpty() ? "" : " × " + cpu)),
                List.of("memory", (osMemory() / (1024 * 1024 * 1024)) + " GiB; JVM max heap "
                        + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB"),
                List.of("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                        + " (" + System.getProperty("java.vendor") + ")"),
                List.of("JVM flags", "`" + String.join(" ", runtime.getInputArguments().stream()
                        .filter(a -> !a.startsWith("-Dbench.out")).toList()) + "`"),
                List.of("OS", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch")),
                List.of("PostgreSQL", pg + " at " + system.jdbcUrl.replaceAll("/[^/]*$", "")
                        + " (synchronous_commit=" + syncCommit + ", fsync=" + fsync + ", shared_buffers=" + sharedBuffers + "), fresh database"),
                List.of("Redis", system.redisUri),
                List.of("simulators", "Proxmox and Guacamole in this JVM, zero latency, no faults (parts 5-7: the suspend and"
                        + " resume latencies each part states)"),
                List.of("benchmark", options.describe())));
        report.line("The load generator, the system under test and PostgreSQL share these processors.");
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("");
        } catch (Exception e) {
            return "";
        }
    }

    private static long osMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return 0;
    }
}

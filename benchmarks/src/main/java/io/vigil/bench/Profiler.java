package io.vigil.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * A short JDK Flight Recorder profile of one run, summarised by thread group and by library: each CPU sample is
 * charged to the first frame from the top of its stack that is not JDK code (so a {@code HashMap.get} called by
 * Jackson counts as JSON, an HMAC computed for Nimbus counts as JWT).
 */
final class Profiler {
    private static final Map<String, String> LIBRARIES = new LinkedHashMap<>();

    static {
        LIBRARIES.put("com.nimbusds.", "JWT: Nimbus JOSE (parse, HMAC verify, claims)");
        LIBRARIES.put("org.springframework.security.oauth2.", "JWT: Spring Security resource server");
        LIBRARIES.put("org.springframework.security.", "Spring Security (filter chain, authorization)");
        LIBRARIES.put("tools.jackson.", "JSON: Jackson 3");
        LIBRARIES.put("com.fasterxml.jackson.", "JSON: Jackson 2");
        LIBRARIES.put("io.r2dbc.", "R2DBC: PostgreSQL driver, pool");
        LIBRARIES.put("org.springframework.r2dbc.", "R2DBC: Spring DatabaseClient");
        LIBRARIES.put("org.springframework.web.", "Spring WebFlux (dispatch, handlers, codecs)");
        LIBRARIES.put("org.springframework.http.", "Spring WebFlux (dispatch, handlers, codecs)");
        LIBRARIES.put("org.springframework.boot.", "Spring Boot (actuator, web server adapter)");
        LIBRARIES.put("org.springframework.", "Spring (other)");
        LIBRARIES.put("io.vigil.bench.", "load generator");
        LIBRARIES.put("io.vigil.", "Vigil code");
        LIBRARIES.put("reactor.netty.", "Netty and Reactor Netty (HTTP, I/O)");
        LIBRARIES.put("io.netty.", "Netty and Reactor Netty (HTTP, I/O)");
        LIBRARIES.put("reactor.", "Reactor core (operators, schedulers)");
        LIBRARIES.put("io.micrometer.", "Micrometer (observation, metrics)");
        LIBRARIES.put("ch.qos.logback.", "logging");
        LIBRARIES.put("org.slf4j.", "logging");
        LIBRARIES.put("org.axonframework.", "Axon (processors, deadlines)");
        LIBRARIES.put("com.github.kagkarlsson.", "db-scheduler");
        LIBRARIES.put("com.zaxxer.", "JDBC: Hikari");
        LIBRARIES.put("org.postgresql.", "JDBC: pgjdbc");
    }

    private Profiler() {
    }

    record Result(long samples, Map<String, Long> byThread, Map<String, Long> byLibrary, long serverSamples,
                  long jwtInclusive, long jsonInclusive, long r2dbcInclusive, double machineCpu, double jvmCpu,
                  double gcPauseMs, double seconds) {

        void report(Report report, int connections, double perSecond) {
            report.line("");
            report.line("Profile of one more " + Stats.ms(seconds) + " s run of the session GET (" + connections
                    + " connections, " + Stats.rate(perSecond) + " req/s while recorded) under JDK Flight Recorder"
                    + " (execution samples every 10 ms; " + samples + " samples of threads running Java code). "
                    + "CPU: machine " + pct(machineCpu) + ", this JVM " + pct(jvmCpu) + " (the rest is PostgreSQL "
                    + "and other processes); GC pauses " + Stats.ms(gcPauseMs) + " ms in total.");
            report.line("");
            List<List<String>> threads = new ArrayList<>();
            byThread.forEach((k, v) -> threads.add(List.of(k, pct((double) v / samples))));
            report.table(List.of("thread group", "share of JVM CPU samples"), threads);
            List<List<String>> libs = new ArrayList<>();
            byLibrary.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .forEach(e -> libs.add(List.of(e.getKey(), pct((double) e.getValue() / serverSamples))));
            report.table(List.of("server-side samples (all threads but the load generator's), charged to", "share"), libs);
            report.line("Inclusive (the library anywhere on a server-side sample's stack): JWT " + pct((double) jwtInclusive / serverSamples)
                    + ", JSON " + pct((double) jsonInclusive / serverSamples) + ", R2DBC " + pct((double) r2dbcInclusive / serverSamples) + ".");
            report.line("");
        }

        private static String pct(double v) {
            return String.format(java.util.Locale.ROOT, "%.0f %%", v * 100);
        }
    }

    /**
     * Starts the flight recorder once and stops it again, early in the run: its first start costs the JVM a
     * few seconds (event classes, deoptimisation), which would otherwise land in the profiled measurement.
     */
    static void initialise() {
        try (Recording recording = new Recording()) {
            recording.enable("jdk.CPULoad");
            recording.start();
            recording.stop();
        }
    }

    /** A recording of CPU samples, CPU load and GC only: the stock "profile" settings record far more. */
    static Recording start() {
        Recording recording = new Recording();
        recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
        recording.enable("jdk.CPULoad").withPeriod(Duration.ofSeconds(1));
        recording.enable("jdk.GarbageCollection");
        recording.start();
        return recording;
    }

    static Result stop(Recording recording, double seconds) throws Exception {
        Path file = Files.createTempFile("vigil-bench-", ".jfr");
        try (recording) {
            recording.stop();
            recording.dump(file);
            return summarise(file, seconds);
        } finally {
            String keep = System.getProperty("bench.jfr");
            if (keep != null && !keep.isBlank()) {
                Files.move(file, Path.of(keep), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.deleteIfExists(file);
            }
        }
    }

    private static Result summarise(Path file, double seconds) throws Exception {
        long samples = 0;
        long server = 0;
        long jwt = 0;
        long json = 0;
        long r2dbc = 0;
        Map<String, Long> byThread = new TreeMap<>();
        Map<String, Long> byLibrary = new TreeMap<>();
        double machine = 0;
        double jvm = 0;
        int loads = 0;
        double gcMs = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            String type = e.getEventType().getName();
            if (type.equals("jdk.CPULoad")) {
                machine += e.getFloat("machineTotal");
                jvm += e.getFloat("jvmUser") + e.getFloat("jvmSystem");
                loads++;
            } else if (type.equals("jdk.GarbageCollection")) {
                gcMs += e.getDuration("sumOfPauses").toNanos() / 1e6;
            } else if (type.equals("jdk.ExecutionSample") && e.getStackTrace() != null) {
                samples++;
                String thread = e.getThread("sampledThread") == null ? "?" : String.valueOf(e.getThread("sampledThread").getJavaName());
                String group = threadGroup(thread);
                byThread.merge(group, 1L, Long::sum);
                if (group.startsWith("load generator")) {
                    continue;
                }
                server++;
                List<RecordedFrame> frames = e.getStackTrace().getFrames();
                String library = "JDK only";
                boolean j = false;
                boolean js = false;
                boolean r = false;
                for (RecordedFrame f : frames) {
                    String cls = f.getMethod().getType().getName();
                    j |= cls.startsWith("com.nimbusds.") || cls.startsWith("org.springframework.security.oauth2.");
                    js |= cls.startsWith("tools.jackson.") || cls.startsWith("com.fasterxml.jackson.");
                    r |= cls.startsWith("io.r2dbc.") || cls.startsWith("org.springframework.r2dbc.");
                    if (library.equals("JDK only") && !isJdk(cls)) {
                        library = libraryOf(cls);
                    }
                }
                byLibrary.merge(library, 1L, Long::sum);
                jwt += j ? 1 : 0;
                json += js ? 1 : 0;
                r2dbc += r ? 1 : 0;
            }
        }
        return new Result(samples, byThread, byLibrary, Math.max(1, server), jwt, json, r2dbc,
                loads == 0 ? Double.NaN : machine / loads, loads == 0 ? Double.NaN : jvm / loads, gcMs, seconds);
    }

    private static boolean isJdk(String cls) {
        return cls.startsWith("java.") || cls.startsWith("javax.") || cls.startsWith("jdk.") || cls.startsWith("sun.")
                || cls.startsWith("com.sun.");
    }

    private static String libraryOf(String cls) {
        for (var e : LIBRARIES.entrySet()) {
            if (cls.startsWith(e.getKey())) {
                return e.getValue();
            }
        }
        String[] parts = cls.split("\\.");
        return parts.length > 2 ? parts[0] + "." + parts[1] + "." + parts[2] : cls;
    }

    private static String threadGroup(String thread) {
        if (thread.startsWith("bench-client")) {
            return "load generator (bench-client event loops)";
        }
        if (thread.startsWith("reactor-http")) {
            return "server event loops (reactor-http-*)";
        }
        if (thread.startsWith("reactor-tcp") || thread.contains("r2dbc")) {
            return "R2DBC connections (" + thread.replaceAll("-\\d+$", "") + ")";
        }
        return "other: " + thread.replaceAll("[-#]?\\d+$", "");
    }
}

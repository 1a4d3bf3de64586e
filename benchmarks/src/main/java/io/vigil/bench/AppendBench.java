package io.vigil.bench;

import io.vigil.core.template.OsType;
import io.vigil.core.template.Protocol;
import io.vigil.core.template.RegisterTemplate;
import io.vigil.core.template.TemplateId;
import io.vigil.core.template.TemplateSpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.axonframework.messaging.MetaData;

/**
 * Part 1: how fast the command side appends events, next to what the same PostgreSQL takes as plain INSERTs.
 * <p>
 * Each command is a {@code RegisterTemplate} with a fresh id, sent with {@code CommandGateway.sendAndWait}: it
 * creates an aggregate (no history to load), appends exactly one event and starts no saga. Its transaction also
 * holds what any append holds — the subscribing admission ledger's upsert. The raw rows go into a table shaped
 * like {@code domainevententry} (same columns, keys and unique constraints), with the payload and metadata bytes
 * of a real {@code TemplateRegistered}, on connections of their own.
 */
final class AppendBench {
    private static final TemplateSpec SPEC = new TemplateSpec("Bench template", OsType.LINUX, Protocol.SSH, 9001, 2,
            4096, 32, List.of("bench"), false);
    private static final MetaData META = MetaData.with("userId", "bench");
    private static final String RAW_TABLE = "bench_raw_event";
    private static final int BATCH = 100;
    private static final long MAX_OPS_PER_THREAD = 2_000_000;

    private final BenchSystem system;
    private final Options options;
    private final Report report;
    private final AtomicInteger runs = new AtomicInteger();
    private byte[] payload;
    private byte[] metadata;

    AppendBench(BenchSystem system, Options options, Report report) {
        this.system = system;
        this.options = options;
        this.report = report;
    }

    record Result(String mode, int callers, long events, double seconds, Stats latencyMs) {
        double perSecond() {
            return events / seconds;
        }
    }

    @FunctionalInterface
    interface Op {
        /** Does one unit of work; answers how many events it appended. */
        int run() throws Exception;
    }

    @FunctionalInterface
    interface OpFactory {
        Op create(int thread) throws Exception;
    }

    void run() throws Exception {
        report.heading("1. Event append throughput");
        createRawTable();
        // JIT, connection pools, processors: one longer warm-up of the command path first
        measure("warm-up", 8, options.warmup().multipliedBy(2), Duration.ZERO, this::commandOp);
        sampleEventBytes();
        system.awaitProcessorsIdle(Duration.ofSeconds(60));

        List<Result> results = new ArrayList<>();
        for (int callers : options.appendCallers()) {
            results.add(measure("command side", callers, options.shortWarmup(), options.appendDuration(), this::commandOp));
            boolean caughtUp = system.awaitProcessorsIdle(Duration.ofSeconds(120));
            if (!caughtUp) {
                report.line("> tracking processors had not caught up 120 s after the " + callers + "-caller run");
            }
            system.stopTrackingProcessors();
            try {
                results.add(measure("command side, tracking processors stopped", callers, options.shortWarmup(),
                        options.appendDuration(), this::commandOp));
            } finally {
                system.startTrackingProcessors();
            }
            system.awaitProcessorsIdle(Duration.ofSeconds(120));
            results.add(measure("raw JDBC, 1 row per transaction", callers, options.shortWarmup(),
                    options.appendDuration(), this::rawSingleOp));
            results.add(measure("raw JDBC, " + BATCH + " rows per transaction (batch)", callers, options.shortWarmup(),
                    options.appendDuration(), this::rawBatchOp));
        }

        report.line("Payload " + payload.length + " B, metadata " + metadata.length + " B per event (a real "
                + "`TemplateRegistered`). " + options.appendDuration().toSeconds() + " s measured after "
                + options.shortWarmup().toSeconds() + " s warm-up per row; latency is per call (a batch call = "
                + BATCH + " events).");
        report.line("");
        List<List<String>> rows = new ArrayList<>();
        for (Result r : results) {
            rows.add(List.of(r.mode(), String.valueOf(r.callers()), Stats.rate(r.perSecond()),
                    Stats.ms(r.latencyMs().percentile(50)), Stats.ms(r.latencyMs().percentile(99)),
                    String.valueOf(r.events())));
        }
        report.table(List.of("mode", "concurrent callers", "events/s", "p50 ms/call", "p99 ms/call", "events"), rows);

        List<List<String>> ratios = new ArrayList<>();
        for (int callers : options.appendCallers()) {
            double command = find(results, "command side", callers);
            double stopped = find(results, "command side, tracking processors stopped", callers);
            double single = find(results, "raw JDBC, 1 row per transaction", callers);
            double batch = find(results, "raw JDBC, " + BATCH + " rows per transaction (batch)", callers);
            ratios.add(List.of(String.valueOf(callers), Stats.ratio(command / single), Stats.ratio(stopped / single),
                    Stats.ratio(command / batch)));
        }
        report.table(List.of("callers", "command side / raw single-row", "command side (processors stopped) / raw single-row",
                "command side / raw batched"), ratios);
    }

    private static double find(List<Result> results, String mode, int callers) {
        return results.stream().filter(r -> r.mode().equals(mode) && r.callers() == callers)
                .mapToDouble(Result::perSecond).findFirst().orElse(Double.NaN);
    }

    private Op commandOp(int thread) {
        String prefix = "b" + runs.get() + "-" + thread + "-";
        long[] n = {0};
        return () -> {
            system.commands.sendAndWait(new RegisterTemplate(new TemplateId(prefix + n[0]++), SPEC), META);
            return 1;
        };
    }

    private Op rawSingleOp(int thread) throws SQLException {
        Connection c = connection();
        c.setAutoCommit(true);
        PreparedStatement insert = c.prepareStatement(insertSql());
        return new ClosingOp(c, () -> {
            bind(insert);
            insert.executeUpdate();
            return 1;
        });
    }

    private Op rawBatchOp(int thread) throws SQLException {
        Connection c = connection();
        c.setAutoCommit(false);
        PreparedStatement insert = c.prepareStatement(insertSql());
        return new ClosingOp(c, () -> {
            for (int i = 0; i < BATCH; i++) {
                bind(insert);
                insert.addBatch();
            }
            insert.executeBatch();
            c.commit();
            return BATCH;
        });
    }

    /** An op that owns a connection, closed when the measurement ends. */
    private record ClosingOp(Connection connection, Op op) implements Op, AutoCloseable {
        @Override
        public int run() throws Exception {
            return op.run();
        }

        @Override
        public void close() throws SQLException {
            connection.close();
        }
    }

    private void bind(PreparedStatement insert) throws SQLException {
        insert.setString(1, UUID.randomUUID().toString());
        insert.setLong(2, 0);
        insert.setString(3, "Template");
        insert.setString(4, UUID.randomUUID().toString());
        insert.setBytes(5, metadata);
        insert.setBytes(6, payload);
        insert.setString(7, null);
        insert.setString(8, "io.vigil.core.template.TemplateRegistered");
        insert.setString(9, Instant.now().toString());
    }

    private static String insertSql() {
        return "INSERT INTO " + RAW_TABLE + " (aggregateidentifier, sequencenumber, type, eventidentifier, metadata, "
                + "payload, payloadrevision, payloadtype, \"timestamp\") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    }

    private Connection connection() throws SQLException {
        return DriverManager.getConnection(system.jdbcUrl, "postgres", "");
    }

    private void createRawTable() {
        // domainevententry's shape (V1__axon_infrastructure.sql), without sharing its sequence
        system.jdbc.execute("""
                CREATE TABLE IF NOT EXISTS %s (
                    globalindex         BIGSERIAL PRIMARY KEY,
                    aggregateidentifier VARCHAR(255) NOT NULL,
                    sequencenumber      BIGINT       NOT NULL,
                    type                VARCHAR(255),
                    eventidentifier     VARCHAR(255) NOT NULL UNIQUE,
                    metadata            BYTEA,
                    payload             BYTEA        NOT NULL,
                    payloadrevision     VARCHAR(255),
                    payloadtype         VARCHAR(255) NOT NULL,
                    "timestamp"         VARCHAR(255) NOT NULL,
                    UNIQUE (aggregateidentifier, sequencenumber))""".formatted(RAW_TABLE));
    }

    private void sampleEventBytes() {
        Map<String, Object> row = system.jdbc.queryForMap("SELECT payload, metadata FROM domainevententry "
                + "WHERE payloadtype = 'io.vigil.core.template.TemplateRegistered' ORDER BY globalindex DESC LIMIT 1");
        payload = (byte[]) row.get("payload");
        metadata = (byte[]) row.get("metadata");
    }

    private Result measure(String mode, int callers, Duration warmup, Duration duration, OpFactory factory) throws Exception {
        runs.incrementAndGet();
        List<Op> ops = new ArrayList<>();
        for (int t = 0; t < callers; t++) {
            ops.add(factory.create(t));
        }
        ExecutorService pool = Executors.newFixedThreadPool(callers, r -> {
            Thread thread = new Thread(r, "bench-append");
            thread.setDaemon(true);
            return thread;
        });
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long end = measureFrom + duration.toNanos();
        try {
            List<Future<long[]>> futures = new ArrayList<>();
            for (Op op : ops) {
                futures.add(pool.submit(() -> {
                    while (System.nanoTime() < measureFrom) {
                        op.run();
                    }
                    long events = 0;
                    long calls = 0;
                    long[] latencies = new long[1 << 16];
                    while (calls < MAX_OPS_PER_THREAD) {
                        long t0 = System.nanoTime();
                        if (t0 >= end) {
                            break;
                        }
                        events += op.run();
                        long took = System.nanoTime() - t0;
                        if (calls == latencies.length) {
                            latencies = java.util.Arrays.copyOf(latencies, latencies.length * 2);
                        }
                        latencies[(int) calls++] = took;
                    }
                    long[] result = new long[(int) calls + 1];
                    result[0] = events;
                    System.arraycopy(latencies, 0, result, 1, (int) calls);
                    return result;
                }));
            }
            long events = 0;
            List<Double> latencies = new ArrayList<>();
            for (Future<long[]> f : futures) {
                long[] r = f.get(warmup.toSeconds() + duration.toSeconds() + 120, TimeUnit.SECONDS);
                events += r[0];
                for (int i = 1; i < r.length; i++) {
                    latencies.add(r[i] / 1e6);
                }
            }
            double seconds = Math.max(duration.toNanos(), System.nanoTime() - measureFrom) / 1e9;
            if (duration.isZero()) {
                seconds = 1;
            }
            Result result = new Result(mode, callers, events, seconds,
                    Stats.of(latencies.stream().mapToDouble(Double::doubleValue).toArray()));
            if (!duration.isZero()) {
                System.out.printf("   %-45s %3d callers: %,10.0f events/s%n", mode, callers, result.perSecond());
            }
            return result;
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(30, TimeUnit.SECONDS);
            for (Op op : ops) {
                if (op instanceof AutoCloseable c) {
                    c.close();
                }
            }
        }
    }
}

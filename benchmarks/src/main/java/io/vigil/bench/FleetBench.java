package io.vigil.bench;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.vigil.command.mqtt.MqttDeviceChannel;
import io.vigil.command.trigger.TriggerScheduler;
import io.vigil.command.trigger.TriggerSteps;
import io.vigil.core.OrgId;
import io.vigil.core.device.DeviceId;
import io.vigil.core.device.DeviceKey;
import io.vigil.core.device.RegisterDevice;
import io.vigil.core.device.TriggerConfig;
import io.vigil.core.trigger.TriggerId;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Part 9: a fleet of cameras end to end. N devices at a 60 s interval, each an MQTT 5 client of its own (id, key,
 * persistent session) on the embedded broker, in a second JVM ({@link FleetDevices}): each command is acked at once
 * and its capture (a generated ~20 KB JPEG, unique bytes) uploaded over HTTP to {@code POST /v1/captures}, then
 * evaluated by the default CPU evaluator. Fleet sizes grow step by step on one system; at each, after one interval
 * of warm-up, one interval is measured: due → received by the device, due → acknowledged, due → executed (the
 * capture committed with its trigger), triggers lost (not executed), captures not evaluated, events and bytes per
 * trigger. Then uploads alone: 200 KB images at 200/s, open loop from the devices' JVM, beside a bare POST of the
 * same bytes to a trivial endpoint and the blob store's write alone, in the same run. Beside the fleet, a direct
 * publish → receive round trip through the same broker.
 */
final class FleetBench {
    static final String CLOUD_PASSWORD = "bench-cloud-secret";

    private final BenchSystem system;
    private final Report report;
    private final List<Integer> sizes;
    private final Duration interval;
    private final Duration window;
    private final int port;
    private final ConcurrentLinkedQueue<long[]> received = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String[]> uploads = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String[]> loads = new ConcurrentLinkedQueue<>();
    private final java.util.concurrent.BlockingQueue<String> loaded = new java.util.concurrent.LinkedBlockingQueue<>();
    private final TriggerSteps steps;

    FleetBench(BenchSystem system, Report report, List<Integer> sizes, Duration interval, Duration window, int port) {
        this.system = system;
        this.report = report;
        this.sizes = sizes;
        this.interval = interval;
        this.window = window;
        this.port = port;
        this.steps = system.context.getBean(TriggerSteps.class);
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, String> properties(int port) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("vigil.mqtt.enabled", "true");
        p.put("vigil.mqtt.url", "tcp://127.0.0.1:" + port);
        p.put("vigil.mqtt.password", CLOUD_PASSWORD);
        p.put("vigil.mqtt.embedded-broker.enabled", "true");
        p.put("vigil.mqtt.embedded-broker.port", String.valueOf(port));
        // the load part sends 200 uploads/s from 200 devices: the per-device limit is the fleet's concern, not this
        p.put("vigil.captures.rate-limit", "1000000");
        try {
            p.put("vigil.blobs.dir", java.nio.file.Files.createTempDirectory("vigil-bench-blobs").toString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return p;
    }

    void run() throws Exception {
        report.heading("9. A fleet of cameras: scheduler, MQTT delivery, acks, uploads and evaluation");
        report.line("Each device: its own MQTT 5 connection to the embedded HiveMQ CE broker (id, key, clean start off),"
                + " interval " + interval.toSeconds() + " s, acks each command at once and uploads its capture (a camera-like ~20 KB"
                + " JPEG, 400x300, JSON with base64 as the existing fleet does) to POST /v1/captures; the CPU evaluator evaluates"
                + " it. Warm-up one interval per step, then one interval measured. The devices run in a second JVM"
                + " (a process may hold 20,000 open files here); both JVMs, the broker, Vigil and PostgreSQL share the"
                + " 2 cores.");
        baseline();
        pipeline(4000);
        // uploads alone first, while no fleet runs beside them
        uploadLoad(200, 30, 200);
        List<List<String>> rows = new ArrayList<>();
        int registered = 0;
        for (int size : sizes) {
            long t0 = System.nanoTime();
            try {
                register(registered, size);
                connect(registered, size);
            } catch (Exception e) {
                report.verdict("fleet of " + size, false, "could not be set up on this machine: " + e.getMessage());
                break;
            }
            registered = size;
            report.line("- " + size + " devices registered and connected in " + Math.round((System.nanoTime() - t0) / 1e9) + " s");
            Thread.sleep(interval.toMillis());
            rows.add(measure(size));
        }
        report.table(List.of("devices", "triggers in window (expected)", "due → received p50 / p99 / max",
                "due → acknowledged p50 / p99", "due → executed p50 / p99 / max", "upload p50 / p99 (device)",
                "not executed", "not evaluated", "events / trigger", "bytes / trigger", "scheduler outcomes"), rows);
        close();
    }

    /** Publish → receive through the same broker, QoS 1, 200 bytes, one at a time: the floor under every figure. */
    private void baseline() throws Exception {
        String key = register("BASELINE");
        Mqtt5AsyncClient device = client("BASELINE", key);
        CompletableFuture<?>[] next = {new CompletableFuture<>()};
        device.publishes(MqttGlobalPublishFilter.SUBSCRIBED, p -> next[0].complete(null));
        device.connectWith().cleanStart(true).send().get(10, TimeUnit.SECONDS);
        device.subscribeWith().topicFilter("vigil/devices/BASELINE/commands").qos(MqttQos.AT_LEAST_ONCE).send().get();
        Mqtt5AsyncClient cloud = Mqtt5Client.builder().identifier("bench-baseline-publisher").serverHost("127.0.0.1")
                .serverPort(port).simpleAuth().username("vigil-cloud").password(CLOUD_PASSWORD.getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth().buildAsync();
        cloud.connect().get(10, TimeUnit.SECONDS);
        byte[] payload = new byte[200];
        int n = 2000;
        long[] nanos = new long[n];
        for (int i = -200; i < n; i++) {
            next[0] = new CompletableFuture<>();
            long start = System.nanoTime();
            cloud.publishWith().topic("vigil/devices/BASELINE/commands").qos(MqttQos.AT_LEAST_ONCE).payload(payload).send();
            next[0].get(5, TimeUnit.SECONDS);
            if (i >= 0) {
                nanos[i] = System.nanoTime() - start;
            }
        }
        Stats s = Stats.ofNanos(nanos, n);
        report.line("- Baseline, direct publish → receive through the same broker (QoS 1, 200 bytes, one at a time, "
                + n + " after 200 warm-up): p50 " + Stats.ms(s.percentile(50)) + ", p99 " + Stats.ms(s.percentile(99))
                + ", max " + Stats.ms(s.max()));
        cloud.disconnect().get();
        device.disconnect().get();
    }

    /**
     * The same trigger steps, one command (and transaction) each from 8 callers, and batched through
     * {@link TriggerSteps}: the reason the fleet's pipeline is built around batches (decision 0007).
     */
    private void pipeline(int n) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<String> triggers = java.util.Collections.synchronizedList(new ArrayList<>());
        long t0 = System.nanoTime();
        List<CompletableFuture<Void>> created = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = String.format("PIPE%05d", i);
            created.add(CompletableFuture.runAsync(() -> {
                DeviceKey key = DeviceKey.generate();
                system.commands.sendAndWait(new RegisterDevice(new DeviceId(id), OrgId.DEFAULT, id, "UTC",
                        TriggerConfig.DISABLED, key.id(), key.hash()));
                Instant now = Instant.now();
                io.vigil.core.trigger.TriggerId trigger = io.vigil.core.trigger.TriggerId.next(
                        io.vigil.core.trigger.TriggerType.MANUAL);
                system.commands.sendAndWait(new io.vigil.core.trigger.CreateTrigger(trigger, new DeviceId(id),
                        OrgId.DEFAULT, io.vigil.core.trigger.TriggerType.MANUAL, "manual", now, now.plusSeconds(3600), null));
                triggers.add(trigger.value());
            }, pool));
        }
        CompletableFuture.allOf(created.toArray(CompletableFuture[]::new)).get(30, TimeUnit.MINUTES);
        double setup = (System.nanoTime() - t0) / 1e9;
        List<String> byCommand = triggers.subList(0, n / 2);
        List<String> batched = triggers.subList(n / 2, n);

        long c0 = System.nanoTime();
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (String t : byCommand) {
            sent.add(CompletableFuture.runAsync(() -> system.commands.sendAndWait(
                    new io.vigil.core.trigger.RecordTriggerSent(new TriggerId(t), "mqtt")), pool));
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(30, TimeUnit.MINUTES);
        double commandRate = byCommand.size() / ((System.nanoTime() - c0) / 1e9);

        long b0 = System.nanoTime();
        List<CompletableFuture<?>> steps = new ArrayList<>();
        for (String t : batched) {
            steps.add(this.steps.submit(new TriggerSteps.Sent(new TriggerId(t), "mqtt")));
        }
        CompletableFuture.allOf(steps.toArray(CompletableFuture[]::new)).get(30, TimeUnit.MINUTES);
        double batchRate = batched.size() / ((System.nanoTime() - b0) / 1e9);
        pool.shutdown();
        report.line(String.format("- Trigger steps (TriggerSent), %d each way: one command each from 8 callers %,.0f/s;"
                + " batched %,.0f/s; **batched / command %.1f×** (set-up: %d devices registered and a trigger created"
                + " for each, a command each, %,.0f/s)", n / 2, commandRate, batchRate, batchRate / commandRate,
                n, 2 * n / setup));
        List<CompletableFuture<?>> expire = new ArrayList<>();
        for (String t : triggers) {
            expire.add(this.steps.submit(new TriggerSteps.Expire(new TriggerId(t))));
        }
        CompletableFuture.allOf(expire.toArray(CompletableFuture[]::new)).get(30, TimeUnit.MINUTES);
    }

    private String register(String id) {
        DeviceKey key = DeviceKey.generate();
        system.commands.sendAndWait(new RegisterDevice(new DeviceId(id), OrgId.DEFAULT, id, "UTC", TriggerConfig.DISABLED,
                key.id(), key.hash()));
        return key.secret();
    }

    private final Map<String, String> keys = new java.util.concurrent.ConcurrentHashMap<>();

    private void register(int from, int to) throws Exception {
        TriggerConfig every = new TriggerConfig(true, (int) interval.toSeconds(), null, null);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int i = from; i < to; i++) {
            String id = String.format("CAM%05d", i);
            done.add(CompletableFuture.runAsync(() -> {
                DeviceKey key = DeviceKey.generate();
                system.commands.sendAndWait(new RegisterDevice(new DeviceId(id), OrgId.DEFAULT, id, "UTC", every,
                        key.id(), key.hash()));
                keys.put(id, key.secret());
            }, pool));
        }
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(30, TimeUnit.MINUTES);
        pool.shutdown();
    }

    private Mqtt5AsyncClient client(String id, String key) {
        return Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1").serverPort(port)
                .simpleAuth().username(id).password(key.getBytes(StandardCharsets.UTF_8)).applySimpleAuth()
                .buildAsync();
    }

    /** The devices' process: {@link FleetDevices}, on this JVM's class path, talking over its stdin and stdout. */
    private Process fleet;
    private java.io.PrintWriter fleetIn;
    private final java.util.concurrent.BlockingQueue<Integer> connectedCounts = new java.util.concurrent.LinkedBlockingQueue<>();

    private void startFleet() throws IOException {
        String javaBin = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
        fleet = new ProcessBuilder(javaBin, "-Xms3g", "-Xmx3g", "-XX:+UseG1GC", "-cp", System.getProperty("java.class.path"),
                FleetDevices.class.getName(), String.valueOf(port), system.baseUrl())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        fleetIn = new java.io.PrintWriter(new java.io.OutputStreamWriter(fleet.getOutputStream(), StandardCharsets.UTF_8), false);
        Thread reader = new Thread(() -> {
            try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(fleet.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    String[] p = line.split(" ");
                    switch (p[0]) {
                        case "R" -> received.add(new long[] {Long.parseLong(p[1]), Long.parseLong(p[2])});
                        case "U" -> uploads.add(new String[] {p[1], p[2]});
                        case "L" -> loads.add(new String[] {p[1], p[2]});
                        case "LOADED" -> loaded.add(line);
                        case "CONNECTED" -> connectedCounts.add(Integer.parseInt(p[1]));
                        default -> { }
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
            connectedCounts.add(-1);
        }, "fleet-devices-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private void connect(int from, int to) throws Exception {
        if (fleet == null) {
            startFleet();
        }
        for (int i = from; i < to; i++) {
            String id = String.format("CAM%05d", i);
            fleetIn.println("ADD " + id + " " + keys.get(id));
        }
        fleetIn.println("CONNECT");
        fleetIn.flush();
        Integer n = connectedCounts.poll(10, TimeUnit.MINUTES);
        if (n == null || n != to) {
            throw new IllegalStateException(n == null || n < 0
                    ? "the devices' process could not connect " + to + " devices (see the broker's errors above: here a"
                    + " process may hold 20,000 open files, and the broker needs one per device)"
                    : "the devices' process connected " + n + " devices, expected " + to);
        }
    }

    private List<String> measure(int size) throws Exception {
        received.clear();
        uploads.clear();
        Instant from = Instant.now();
        Map<String, Long> outcomesBefore = outcomes();
        long bytesBefore = tableBytes();
        Thread.sleep(window.toMillis());
        Instant to = Instant.now();
        List<long[]> got = new ArrayList<>(received);
        List<String[]> uploaded = new ArrayList<>(uploads);
        // let the window's last triggers finish (ack, capture) before counting
        Thread.sleep(Math.min(15_000, interval.toMillis() / 2));
        // and their evaluations (bounded: an evaluator that cannot keep up shows as captures not evaluated)
        long evaluateBy = System.nanoTime() + interval.toNanos();
        while (System.nanoTime() < evaluateBy && pendingEvaluations(from, to) > 0) {
            Thread.sleep(1000);
        }
        long bytesAfter = tableBytes();
        Map<String, Object> counts = system.jdbc.queryForMap("""
                        WITH t AS (
                            SELECT aggregateidentifier AS id FROM domainevententry
                            WHERE payloadtype = 'io.vigil.core.trigger.TriggerCreated'
                              AND timestamp::timestamptz >= ?::timestamptz AND timestamp::timestamptz < ?::timestamptz
                              AND aggregateidentifier LIKE 'sched\\_%')
                        SELECT (SELECT count(*) FROM t) AS triggers,
                               (SELECT count(*) FROM domainevententry e JOIN t ON e.aggregateidentifier = t.id) AS events,
                               (SELECT count(*) FROM t WHERE NOT EXISTS (SELECT 1 FROM domainevententry e
                                    WHERE e.aggregateidentifier = t.id
                                      AND e.payloadtype IN ('io.vigil.core.trigger.TriggerDelivered',
                                                            'io.vigil.core.trigger.TriggerExecuted'))) AS undelivered,
                               (SELECT coalesce(sum(octet_length(e.payload) + octet_length(e.metadata)), 0)
                                    FROM domainevententry e JOIN t ON e.aggregateidentifier = t.id) AS payload_bytes""",
                from.toString(), to.toString());
        List<Double> executed = system.jdbc.queryForList("""
                        SELECT extract(epoch FROM (x.timestamp::timestamptz
                            - (convert_from(c.payload, 'UTF8')::jsonb ->> 'scheduledFor')::timestamptz)) * 1000
                        FROM domainevententry c JOIN domainevententry x ON x.aggregateidentifier = c.aggregateidentifier
                        WHERE c.payloadtype = 'io.vigil.core.trigger.TriggerCreated'
                          AND c.timestamp::timestamptz >= ?::timestamptz AND c.timestamp::timestamptz < ?::timestamptz
                          AND c.aggregateidentifier LIKE 'sched\\_%'
                          AND x.payloadtype = 'io.vigil.core.trigger.TriggerExecuted'""",
                Double.class, from.toString(), to.toString());
        long notEvaluated = pendingEvaluations(from, to) + system.jdbc.queryForObject("""
                        SELECT count(*) FROM capture_registry r JOIN trigger_closed t ON t.trigger_id = r.trigger_id
                        WHERE t.issued_at >= ?::timestamptz AND t.issued_at < ?::timestamptz AND r.evaluation = 'FAILED'""",
                Long.class, from.toString(), to.toString());
        List<Double> acked = system.jdbc.queryForList("""
                        SELECT extract(epoch FROM (d.timestamp::timestamptz
                            - (convert_from(c.payload, 'UTF8')::jsonb ->> 'scheduledFor')::timestamptz)) * 1000
                        FROM domainevententry c JOIN domainevententry d ON d.aggregateidentifier = c.aggregateidentifier
                        WHERE c.payloadtype = 'io.vigil.core.trigger.TriggerCreated'
                          AND c.timestamp::timestamptz >= ?::timestamptz AND c.timestamp::timestamptz < ?::timestamptz
                          AND c.aggregateidentifier LIKE 'sched\\_%'
                          AND d.payloadtype = 'io.vigil.core.trigger.TriggerDelivered'""",
                Double.class, from.toString(), to.toString());
        double[] lateness = got.stream().mapToDouble(r -> r[1] - r[0]).toArray();
        Stats late = Stats.of(lateness.length == 0 ? new double[] {0} : lateness);
        Stats ack = Stats.of(acked.isEmpty() ? new double[] {0} : acked.stream().mapToDouble(Double::doubleValue).toArray());
        Stats exec = Stats.of(executed.isEmpty() ? new double[] {0} : executed.stream().mapToDouble(Double::doubleValue).toArray());
        Stats up = Stats.of(uploaded.isEmpty() ? new double[] {0} : uploaded.stream().mapToDouble(u -> Double.parseDouble(u[0])).toArray());
        long failedUploads = uploaded.stream().filter(u -> !u[1].equals("200")).count();
        long triggers = ((Number) counts.get("triggers")).longValue();
        long events = ((Number) counts.get("events")).longValue();
        long undelivered = ((Number) counts.get("undelivered")).longValue();
        long payloadBytes = ((Number) counts.get("payload_bytes")).longValue();
        Map<String, Long> outcomes = outcomes();
        outcomes.replaceAll((k, v) -> v - outcomesBefore.getOrDefault(k, 0L));
        long expected = size * window.toMillis() / interval.toMillis();
        long notExecuted = triggers - executed.size();
        boolean ok = exec.percentile(99) < 2000 && notExecuted == 0 && notEvaluated == 0;
        report.verdict("fleet of " + size + ": p99 due → executed < 2 s, every trigger executed, every capture evaluated",
                ok, "p99 " + Stats.ms(exec.percentile(99)) + ", not executed " + notExecuted + ", not evaluated "
                        + notEvaluated + ", uploads refused or failed " + failedUploads);
        return List.of(String.valueOf(size), triggers + " (" + expected + ")",
                Stats.ms(late.percentile(50)) + " / " + Stats.ms(late.percentile(99)) + " / " + Stats.ms(late.max()),
                Stats.ms(ack.percentile(50)) + " / " + Stats.ms(ack.percentile(99)),
                Stats.ms(exec.percentile(50)) + " / " + Stats.ms(exec.percentile(99)) + " / " + Stats.ms(exec.max()),
                Stats.ms(up.percentile(50)) + " / " + Stats.ms(up.percentile(99)),
                notExecuted + (failedUploads > 0 ? " (" + failedUploads + " uploads failed)" : ""),
                String.valueOf(notEvaluated),
                triggers == 0 ? "-" : String.format("%.2f", events / (double) triggers),
                triggers == 0 ? "-" : (payloadBytes / triggers) + " payload+metadata, "
                        + ((bytesAfter - bytesBefore) / Math.max(1, triggers)) + " on disk",
                outcomes.toString());
    }

    /** Captures of the window's triggers whose evaluation is not done yet. */
    private long pendingEvaluations(Instant from, Instant to) {
        return system.jdbc.queryForObject("""
                        SELECT count(*) FROM capture_registry r JOIN trigger_closed t ON t.trigger_id = r.trigger_id
                        WHERE t.issued_at >= ?::timestamptz AND t.issued_at < ?::timestamptz AND r.evaluation = 'PENDING'""",
                Long.class, from.toString(), to.toString());
    }

    /**
     * Uploads alone, open loop from the devices' JVM: {@code rate}/s of ~{@code kb} KB JPEGs (each unique, JSON with
     * base64, unsolicited), after a warm-up of the same load; beside, in the same run, the same bytes posted to a
     * trivial endpoint of the same server, and the blob store's write of such an image alone, in this JVM.
     */
    private void uploadLoad(int rate, int seconds, int kb) throws Exception {
        int devices = rate;
        register("LOAD", devices);
        if (fleet == null) {
            startFleet();
        }
        for (int i = 0; i < devices; i++) {
            String id = String.format("LOAD%05d", i);
            fleetIn.println("KEY " + id + " " + keys.get(id));
        }
        fleetIn.flush();
        List<String> rows = new ArrayList<>();
        runLoad(rate, 10, kb, BenchSink.PATH);
        Stats sink = runLoad(rate, seconds, kb, BenchSink.PATH);
        runLoad(rate, 10, kb, "/v1/captures");
        Stats upload = runLoad(rate, seconds, kb, "/v1/captures");
        Stats write = blobWrites(1000, kb);
        report.line("- Uploads alone: " + rate + "/s for " + seconds + " s of ~" + kb + " KB camera-like 1280x720 JPEGs (JSON with base64, "
                + "unsolicited, each image unique), open loop from the devices' JVM after 10 s of the same load; latency"
                + " from each request's scheduled time.");
        report.table(List.of("what", "p50", "p99", "max"), List.of(
                List.of("POST /v1/captures (upload, stored, queued for evaluation)", Stats.ms(upload.percentile(50)),
                        Stats.ms(upload.percentile(99)), Stats.ms(upload.max())),
                List.of("baseline: the same bytes to a trivial endpoint of the same server", Stats.ms(sink.percentile(50)),
                        Stats.ms(sink.percentile(99)), Stats.ms(sink.max())),
                List.of("baseline: the blob store's write alone (temp file, fsync, rename), in-JVM",
                        Stats.ms(write.percentile(50)), Stats.ms(write.percentile(99)), Stats.ms(write.max()))));
        report.verdict("upload p99 at " + rate + " uploads/s of " + kb + " KB < 100 ms", upload.percentile(99) < 100,
                "p99 " + Stats.ms(upload.percentile(99)) + " (trivial endpoint " + Stats.ms(sink.percentile(99))
                        + ", ratio " + String.format("%.1f", upload.percentile(99) / Math.max(0.001, sink.percentile(99))) + ")");
    }

    private void register(String prefix, int count) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = String.format("%s%05d", prefix, i);
            done.add(CompletableFuture.runAsync(() -> keys.put(id, register(id)), pool));
        }
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
        pool.shutdown();
    }

    private Stats runLoad(int rate, int seconds, int kb, String path) throws Exception {
        loads.clear();
        fleetIn.println("LOAD " + rate + " " + seconds + " " + kb + " " + path + " LOAD " + rate);
        fleetIn.flush();
        String done = loaded.poll(seconds + 180L, TimeUnit.SECONDS);
        if (done == null) {
            throw new IllegalStateException("the load on " + path + " did not finish");
        }
        List<String[]> got = new ArrayList<>(loads);
        long failed = got.stream().filter(l -> !l[1].equals("200")).count();
        if (failed > 0) {
            report.line("- " + failed + " of " + got.size() + " requests to " + path + " were not answered 200");
        }
        return Stats.of(got.stream().mapToDouble(l -> Double.parseDouble(l[0])).toArray());
    }

    private Stats blobWrites(int n, int kb) throws Exception {
        io.vigil.platform.blob.BlobStore blobs = system.context.getBean(io.vigil.platform.blob.BlobStore.class);
        byte[] base = FleetDevices.frames(1, kb * 1024).get(0);
        long[] nanos = new long[n];
        for (int i = -100; i < n; i++) {
            byte[] image = FleetDevices.unique(base, "write-" + i + "-" + System.nanoTime());
            long t0 = System.nanoTime();
            blobs.put(image, "image/jpeg");
            if (i >= 0) {
                nanos[i] = System.nanoTime() - t0;
            }
        }
        return Stats.ofNanos(nanos, n);
    }

    private Map<String, Long> outcomes() {
        Map<String, Long> m = new LinkedHashMap<>();
        system.context.getBean(TriggerScheduler.class).outcomes().forEach((k, v) -> m.put(k.name(), v));
        return m;
    }

    private long tableBytes() {
        return system.jdbc.queryForObject("SELECT pg_total_relation_size('domainevententry')", Long.class);
    }

    private void close() {
        if (fleet != null) {
            fleetIn.close();
            fleet.destroy();
        }
        report.line("- Commands the cloud published: " + system.context.getBean(MqttDeviceChannel.class).published());
    }
}

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
 * Part 9: a fleet of cameras on the scheduler and MQTT. N devices at a 60 s interval, each an MQTT 5 client of its
 * own (id, key, persistent session) on the embedded broker, answering every command with an ack at once and, half a
 * second later, its "capture" (the trigger's executed step, as the upload path of the next issue will record it).
 * Fleet sizes grow step by step on one system; at each, after one interval of warm-up, one interval is measured:
 * due → received by the device (the command published and carried by the broker), due → acknowledged (the
 * {@code TriggerDelivered} event committed), triggers lost (expired or never delivered), events and bytes per
 * trigger. Beside it, in the same run: a direct publish → receive round trip through the same broker.
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
    private final ScheduledExecutorService captures = Executors.newScheduledThreadPool(2);
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
        return p;
    }

    void run() throws Exception {
        report.heading("9. A fleet of cameras: scheduler, MQTT delivery and acks");
        report.line("Each device: its own MQTT 5 connection to the embedded HiveMQ CE broker (id, key, clean start off),"
                + " interval " + interval.toSeconds() + " s, acks each command at once and records its capture 500 ms"
                + " later. Warm-up one interval per step, then one interval measured. The devices run in a second JVM"
                + " (a process may hold 20,000 open files here); both JVMs, the broker, Vigil and PostgreSQL share the"
                + " 2 cores.");
        baseline();
        pipeline(4000);
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
                "due → acknowledged p50 / p99", "lost", "events / trigger", "bytes / trigger", "scheduler outcomes"), rows);
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
                FleetDevices.class.getName(), String.valueOf(port))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        fleetIn = new java.io.PrintWriter(new java.io.OutputStreamWriter(fleet.getOutputStream(), StandardCharsets.UTF_8), false);
        Thread reader = new Thread(() -> {
            try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(fleet.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    String[] p = line.split(" ");
                    switch (p[0]) {
                        case "R" -> received.add(new long[] {Long.parseLong(p[1]), Long.parseLong(p[2])});
                        case "X" -> captures.schedule(() -> steps.submit(new TriggerSteps.Executed(new TriggerId(p[1]),
                                new DeviceId(p[2]))), 500, TimeUnit.MILLISECONDS);
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
        Instant from = Instant.now();
        Map<String, Long> outcomesBefore = outcomes();
        long bytesBefore = tableBytes();
        Thread.sleep(window.toMillis());
        Instant to = Instant.now();
        List<long[]> got = new ArrayList<>(received);
        // let the window's last triggers finish (ack, capture) before counting
        Thread.sleep(Math.min(15_000, interval.toMillis() / 2));
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
        long triggers = ((Number) counts.get("triggers")).longValue();
        long events = ((Number) counts.get("events")).longValue();
        long undelivered = ((Number) counts.get("undelivered")).longValue();
        long payloadBytes = ((Number) counts.get("payload_bytes")).longValue();
        Map<String, Long> outcomes = outcomes();
        outcomes.replaceAll((k, v) -> v - outcomesBefore.getOrDefault(k, 0L));
        long expected = size * window.toMillis() / interval.toMillis();
        boolean ok = late.percentile(99) < 500 && ack.percentile(99) < 1000 && undelivered == 0;
        report.verdict("fleet of " + size + ": p99 due → received < 500 ms, p99 due → acknowledged < 1 s, nothing lost", ok,
                "p99 " + Stats.ms(late.percentile(99)) + " / " + Stats.ms(ack.percentile(99)) + ", lost " + undelivered);
        return List.of(String.valueOf(size), triggers + " (" + expected + ")",
                Stats.ms(late.percentile(50)) + " / " + Stats.ms(late.percentile(99)) + " / " + Stats.ms(late.max()),
                Stats.ms(ack.percentile(50)) + " / " + Stats.ms(ack.percentile(99)),
                String.valueOf(undelivered),
                triggers == 0 ? "-" : String.format("%.2f", events / (double) triggers),
                triggers == 0 ? "-" : (payloadBytes / triggers) + " payload+metadata, "
                        + ((bytesAfter - bytesBefore) / Math.max(1, triggers)) + " on disk",
                outcomes.toString());
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
        captures.shutdownNow();
        report.line("- Commands the cloud published: " + system.context.getBean(MqttDeviceChannel.class).published());
    }
}

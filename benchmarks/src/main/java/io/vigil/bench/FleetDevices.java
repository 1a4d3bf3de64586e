package io.vigil.bench;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/**
 * Part 9's cameras, in a process of their own: a process may hold 20,000 open files here, and a fleet in the same
 * JVM as its broker needs two per device. Reads commands on stdin:
 * <ul>
 *   <li>{@code ADD <id> <key>}, {@code CONNECT}: connects each device as the contract says (its id, its key, clean
 *   start off, its commands topic at QoS 1); a device acks every command at once over MQTT, then "captures" (a
 *   generated camera-like ~20 KB JPEG, made unique by a comment segment naming the trigger) and uploads it to
 *   {@code POST /v1/captures} in the fleet's JSON shape;</li>
 *   <li>{@code LOAD <rate/s> <seconds> <KB> <path>}: an open-loop load of unsolicited uploads of ~KB-sized JPEGs
 *   (each unique) at a fixed rate, latency counted from each request's scheduled time (no coordinated omission);
 *   {@code path} {@code /v1/captures}, or the bench's trivial sink for the baseline.</li>
 * </ul>
 * Reports on stdout: {@code CONNECTED <n>}, {@code R <scheduled_for ms> <received ms>} for every scheduled
 * command, {@code U <ms> <status>} for every capture upload, {@code L <ms> <status>} for every load request and
 * {@code LOADED <sent>} at the end of a load.
 */
public final class FleetDevices {
    private static final Pattern TRIGGER = Pattern.compile("\"trigger_id\":\"([^\"]+)\"");
    private static final Pattern SCHEDULED = Pattern.compile("\"scheduled_for\":\"([^\"]+)\"");
    private static final PrintStream OUT = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).executor(Executors.newFixedThreadPool(4)).build();
    private static final Map<String, String> KEYS = new ConcurrentHashMap<>();
    private static final AtomicLong SEQUENCE = new AtomicLong();
    private static String api;
    private static List<byte[]> frames;

    private FleetDevices() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        api = args[1];
        frames = frames(16, 20 * 1024);
        List<String[]> pending = new ArrayList<>();
        int connected = 0;
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] parts = line.trim().split(" ");
            if (parts[0].equals("ADD")) {
                pending.add(new String[] {parts[1], parts[2]});
                KEYS.put(parts[1], parts[2]);
            } else if (parts[0].equals("KEY")) {
                KEYS.put(parts[1], parts[2]);
            } else if (parts[0].equals("CONNECT")) {
                List<CompletableFuture<?>> connecting = new ArrayList<>();
                for (String[] device : pending) {
                    connecting.add(connect(port, device[0], device[1]));
                    if (connecting.size() >= 500) {
                        try {
                            CompletableFuture.allOf(connecting.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
                        } catch (Exception e) {
                            say("FAILED " + e);
                            System.exit(1);
                        }
                        connecting.clear();
                    }
                }
                try {
                    CompletableFuture.allOf(connecting.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
                } catch (Exception e) {
                    say("FAILED " + e);
                    System.exit(1);
                }
                connected += pending.size();
                pending.clear();
                say("CONNECTED " + connected);
            } else if (parts[0].equals("LOAD")) {
                int[] load = {Integer.parseInt(parts[1]), Integer.parseInt(parts[2]), Integer.parseInt(parts[3]),
                        Integer.parseInt(parts[6])};
                String path = parts[4];
                String prefix = parts[5];
                // off the reader: the load reports while the bench may send more lines
                new Thread(() -> {
                    try {
                        load(load[0], load[1], load[2], path, prefix, load[3]);
                    } catch (Exception e) {
                        say("LOADED failed " + e);
                    }
                }, "load").start();
            }
        }
        System.exit(0);
    }

    /**
     * Camera-like JPEGs of about {@code bytes}: a gradient, coloured shapes and sensor noise; 400x300 for small
     * frames (~20 KB), 1280x720 for large ones (~200 KB), the noise's amplitude raised until the size is reached.
     */
    static List<byte[]> frames(int count, int bytes) throws Exception {
        List<byte[]> result = new ArrayList<>();
        int width = bytes > 60 * 1024 ? 1280 : 400;
        int height = width * 9 / 16 + (width == 400 ? 75 : 0);
        for (int i = 0; i < count; i++) {
            Random random = new Random(31L * bytes + i);
            byte[] jpeg;
            int noise = 4;
            do {
                BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
                Graphics2D g = image.createGraphics();
                g.setPaint(new java.awt.GradientPaint(0, 0, new Color(60, 80, 110), width, height, new Color(200, 190, 170)));
                g.fillRect(0, 0, width, height);
                for (int k = 0; k < 30; k++) {
                    g.setColor(new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256)));
                    g.fillRect(random.nextInt(width), random.nextInt(height), 10 + random.nextInt(width / 6),
                            10 + random.nextInt(height / 5));
                }
                g.dispose();
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        int c = image.getRGB(x, y);
                        int n = random.nextInt(2 * noise + 1) - noise;
                        image.setRGB(x, y, (clamp((c >> 16 & 255) + n) << 16) | (clamp((c >> 8 & 255) + n) << 8)
                                | clamp((c & 255) + n));
                    }
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ImageIO.write(image, "jpg", out);
                jpeg = out.toByteArray();
                noise += 4;
            } while (jpeg.length < bytes && noise < 80);
            result.add(jpeg);
        }
        return result;
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    /** The frame with a comment segment after its SOI: the same picture, other bytes (another blob). */
    static byte[] unique(byte[] jpeg, String text) {
        byte[] comment = text.getBytes(StandardCharsets.US_ASCII);
        int length = comment.length + 2;
        byte[] out = new byte[jpeg.length + 2 + length];
        out[0] = jpeg[0];
        out[1] = jpeg[1];
        out[2] = (byte) 0xff;
        out[3] = (byte) 0xfe;
        out[4] = (byte) (length >> 8);
        out[5] = (byte) length;
        System.arraycopy(comment, 0, out, 6, comment.length);
        System.arraycopy(jpeg, 2, out, 6 + comment.length, jpeg.length - 2);
        return out;
    }

    private static CompletableFuture<?> connect(int port, String id, String key) {
        Mqtt5AsyncClient c = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1").serverPort(port)
                .simpleAuth().username(id).password(key.getBytes(StandardCharsets.UTF_8)).applySimpleAuth()
                .automaticReconnectWithDefaultConfig()
                .buildAsync();
        c.publishes(MqttGlobalPublishFilter.SUBSCRIBED, p -> command(c, id, p));
        return c.connectWith().cleanStart(false).sessionExpiryInterval(3600).send()
                .thenCompose(ack -> c.subscribeWith().topicFilter("vigil/devices/" + id + "/commands")
                        .qos(MqttQos.AT_LEAST_ONCE).send());
    }

    private static void command(Mqtt5AsyncClient c, String id, Mqtt5Publish publish) {
        long now = System.currentTimeMillis();
        String body = new String(publish.getPayloadAsBytes(), StandardCharsets.UTF_8);
        Matcher trigger = TRIGGER.matcher(body);
        if (!trigger.find()) {
            return;
        }
        String triggerId = trigger.group(1);
        c.publishWith().topic("vigil/devices/" + id + "/acks").qos(MqttQos.AT_LEAST_ONCE)
                .payload(("{\"trigger_id\":\"" + triggerId + "\",\"status\":\"received\"}").getBytes(StandardCharsets.UTF_8))
                .send();
        Matcher scheduled = SCHEDULED.matcher(body);
        if (scheduled.find()) {
            say("R " + Instant.parse(scheduled.group(1)).toEpochMilli() + " " + now);
        }
        byte[] image = unique(frames.get((int) (SEQUENCE.incrementAndGet() % frames.size())), triggerId);
        long start = System.nanoTime();
        HTTP.sendAsync(upload("/v1/captures", id, triggerId, image, null), HttpResponse.BodyHandlers.discarding())
                .whenComplete((response, failure) -> say("U " + (System.nanoTime() - start) / 1_000_000.0 + " "
                        + (failure != null ? "error" : response.statusCode())));
    }

    private static HttpRequest upload(String path, String id, String triggerId, byte[] image, String idempotencyKey) {
        String json = "{\"device_id\":\"" + id + "\"" + (triggerId == null ? "" : ",\"trigger_id\":\"" + triggerId + "\"")
                + ",\"image_base64\":\"" + Base64.getEncoder().encodeToString(image) + "\",\"captured_at\":\""
                + Instant.now() + "\",\"trigger_label\":\"scheduled_interval\",\"metadata\":{\"device_version\":\"bench\"}}";
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("X-Device-Key", KEYS.getOrDefault(id, "none"))
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return request.build();
    }

    /**
     * {@code rate} requests a second for {@code seconds}, open loop, from devices {@code <prefix>00000..} (their
     * keys were ADDed), images of about {@code kb} KB.
     */
    private static void load(int rate, int seconds, int kb, String path, String prefix, int devices) throws Exception {
        List<byte[]> big = frames(4, kb * 1024);
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
        long period = 1_000_000_000L / rate;
        long total = (long) rate * seconds;
        long t0 = System.nanoTime();
        AtomicLong issued = new AtomicLong();
        AtomicLong answered = new AtomicLong();
        CompletableFuture<Void> done = new CompletableFuture<>();
        clock.scheduleAtFixedRate(() -> {
            long now = System.nanoTime();
            // every request whose time has come (the clock may wake late): each keeps its own scheduled time
            while (issued.get() < total && t0 + issued.get() * period <= now) {
                long n = issued.getAndIncrement();
                long scheduled = t0 + n * period;
                String device = String.format("%s%05d", prefix, n % devices);
                byte[] image = unique(big.get((int) (n % big.size())), prefix + "-" + n + "-" + System.nanoTime());
                HTTP.sendAsync(upload(path, device, null, image, "load-" + n + "-" + t0),
                                HttpResponse.BodyHandlers.discarding())
                        .whenComplete((response, failure) -> {
                            say("L " + (System.nanoTime() - scheduled) / 1_000_000.0 + " "
                                    + (failure != null ? "error" : response.statusCode()));
                            if (answered.incrementAndGet() == total) {
                                done.complete(null);
                            }
                        });
            }
        }, 0, Math.max(1, period / 1000), TimeUnit.MICROSECONDS);
        done.get(seconds + 120L, TimeUnit.SECONDS);
        clock.shutdownNow();
        say("LOADED " + total + " " + (System.nanoTime() - t0) / 1_000_000);
    }

    private static void say(String line) {
        synchronized (OUT) {
            OUT.println(line);
            OUT.flush();
        }
    }
}

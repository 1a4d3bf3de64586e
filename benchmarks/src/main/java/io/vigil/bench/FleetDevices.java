package io.vigil.bench;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Part 9's cameras, in a process of their own: a process may hold 20,000 open files here, and a fleet in the same
 * JVM as its broker needs two per device. Reads {@code ADD <id> <key>} and {@code CONNECT} on stdin; connects each
 * device as the contract says (its id, its key, clean start off, its commands topic at QoS 1), acks every command
 * at once over MQTT, and reports on stdout: {@code CONNECTED <n>}, {@code R <scheduled_for ms> <received ms>} for
 * every scheduled command, {@code X <trigger> <device>} for every command (its capture, which the bench records).
 */
public final class FleetDevices {
    private static final Pattern TRIGGER = Pattern.compile("\"trigger_id\":\"([^\"]+)\"");
    private static final Pattern SCHEDULED = Pattern.compile("\"scheduled_for\":\"([^\"]+)\"");
    private static final PrintStream OUT = new PrintStream(System.out, false, StandardCharsets.UTF_8);

    private FleetDevices() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        List<String[]> pending = new ArrayList<>();
        int connected = 0;
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] parts = line.trim().split(" ");
            if (parts[0].equals("ADD")) {
                pending.add(new String[] {parts[1], parts[2]});
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
            }
        }
        System.exit(0);
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
        say("X " + triggerId + " " + id);
    }

    private static void say(String line) {
        synchronized (OUT) {
            OUT.println(line);
            OUT.flush();
        }
    }
}

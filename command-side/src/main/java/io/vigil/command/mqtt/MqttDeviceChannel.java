package io.vigil.command.mqtt;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import io.vigil.command.MqttProperties;
import io.vigil.command.device.DevicePresence;
import io.vigil.command.trigger.CommandPublisher;
import io.vigil.command.trigger.TriggerLedger;
import io.vigil.command.trigger.TriggerSteps;
import io.vigil.core.DomainException;
import io.vigil.core.device.DeviceId;
import io.vigil.core.trigger.TriggerId;
import io.vigil.core.trigger.TriggerState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The cloud's side of the device channel over MQTT 5 (HiveMQ client, any broker): commands are published QoS 1 to
 * {@code {root}/devices/{id}/commands} with the trigger's remaining time to live as message expiry and its id as
 * correlation data; the broker's PUBACK makes the trigger "sent", never "delivered" (a broker drops what it cannot
 * queue), which only the device's ack on {@code {root}/devices/{id}/acks} does. Acks are read through a shared
 * subscription, so with several instances each is handled once, and acknowledged to the broker only after the step
 * is committed. Presence comes from the devices' retained {@code status} (their last will says {@code offline}); a
 * device that comes online is sent what it has not acknowledged. The client's session survives broker restarts
 * (clean start off, a session expiry), its handlers are registered before it connects, and it reconnects by itself.
 */
@Component
@ConditionalOnProperty(name = "vigil.mqtt.enabled", havingValue = "true", matchIfMissing = true)
public class MqttDeviceChannel implements CommandPublisher, SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(MqttDeviceChannel.class);
    private static final String SHARE_GROUP = "vigil-cloud";
    private static final long SESSION_EXPIRY_SECONDS = 300;

    private final MqttProperties properties;
    private final TriggerSteps steps;
    private final TriggerLedger ledger;
    private final DevicePresence presence;
    private final JdbcTemplate jdbc;
    private final JsonMapper json;
    private final String clientId;
    private final ExecutorService blocking = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "vigil-mqtt-device-channel");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong published = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicBoolean warned = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile Mqtt5AsyncClient client;
    private volatile boolean running;

    public MqttDeviceChannel(MqttProperties properties, TriggerSteps steps, TriggerLedger ledger, JdbcTemplate jdbc,
                             JsonMapper json, DevicePresence presence) {
        this.presence = presence;
        this.properties = properties;
        this.steps = steps;
        this.ledger = ledger;
        this.jdbc = jdbc;
        this.json = json;
        // one session per process: what the broker queued for it survives a broker restart, not a process restart
        // (whose acks the others' share of the subscription and the devices' re-acks on re-sends make up for)
        this.clientId = "vigil-cloud-" + hostName() + "-" + ProcessHandle.current().pid();
    }

    @Override
    public void start() {
        Mqtt5ClientBuilder builder = Mqtt5Client.builder()
                .identifier(clientId)
                .serverHost(properties.url().getHost())
                .serverPort(properties.url().getPort() > 0 ? properties.url().getPort() : 1883)
                .automaticReconnect().initialDelay(200, TimeUnit.MILLISECONDS).maxDelay(10, TimeUnit.SECONDS)
                .applyAutomaticReconnect()
                .addConnectedListener(context -> {
                    warned.set(false);
                    log.info("MQTT device channel connected to {}", properties.url());
                })
                .addDisconnectedListener(context -> {
                    if (running && !warned.getAndSet(true)) {
                        log.warn("MQTT device channel cannot reach {}: {}; it keeps trying (commands wait for their"
                                + " re-send)", properties.url(), context.getCause().toString());
                    }
                });
        if ("ssl".equalsIgnoreCase(properties.url().getScheme())) {
            builder = builder.sslWithDefaultConfig();
        }
        if (properties.password() != null && !properties.password().isBlank()) {
            builder = builder.simpleAuth().username(properties.username())
                    .password(properties.password().getBytes(StandardCharsets.UTF_8)).applySimpleAuth();
        }
        Mqtt5AsyncClient c = builder.buildAsync();
        // before connecting: messages the broker kept for this session arrive right after CONNACK
        c.publishes(MqttGlobalPublishFilter.SUBSCRIBED, this::received, blocking, true);
        client = c;
        running = true;
        c.connectWith().cleanStart(false).sessionExpiryInterval(SESSION_EXPIRY_SECONDS).send()
                .thenCompose(connAck -> c.subscribeWith()
                        .addSubscription().topicFilter("$share/" + SHARE_GROUP + "/" + properties.root() + "/devices/+/acks")
                        .qos(MqttQos.AT_LEAST_ONCE).applySubscription()
                        .addSubscription().topicFilter(properties.root() + "/devices/+/status")
                        .qos(MqttQos.AT_LEAST_ONCE).applySubscription()
                        .send())
                .whenComplete((subAck, e) -> {
                    if (e != null) {
                        log.warn("MQTT device channel could not connect to {} yet ({}); it keeps trying", properties.url(),
                                e.toString());
                    }
                });
    }

    @Override
    public void stop() {
        running = false;
        Mqtt5AsyncClient c = client;
        if (c != null) {
            try {
                c.disconnect().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                log.debug("MQTT disconnect: {}", e.toString());
            }
        }
        blocking.shutdown();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** After the embedded broker (if any) and before the web server takes requests. */
    @Override
    public int getPhase() {
        return Integer.MIN_VALUE + 1000;
    }

    /**
     * Publishes when connected; when not, the commands wait in the ledger for their re-send or for the device's
     * next {@code online}. (The HiveMQ client would block a publish made before its first connection.)
     */
    @Override
    public void publish(List<OutgoingCommand> commands) {
        Mqtt5AsyncClient c = client;
        if (c == null || !running || !c.getState().isConnected() || commands.isEmpty()) {
            return;
        }
        Instant now = Instant.now();
        for (OutgoingCommand command : commands) {
            long ttl = Duration.between(now, command.expiresAt()).toSeconds();
            if (ttl <= 0) {
                continue;
            }
            c.publishWith()
                    .topic(properties.commandsTopic(command.deviceId()))
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .payload(json.writeValueAsBytes(command.message()))
                    .contentType("application/json")
                    .messageExpiryInterval(ttl)
                    .correlationData(command.triggerId().getBytes(StandardCharsets.UTF_8))
                    .send()
                    .whenComplete((result, e) -> {
                        Throwable error = e != null ? e : result.getError().orElse(null);
                        if (error != null) {
                            // not lost: it is re-sent on the trigger's next re-send, or when the device comes online
                            log.debug("Command {} to {} not accepted by the broker: {}", command.triggerId(),
                                    command.deviceId(), error.toString());
                        } else if (noSubscriber(result)) {
                            // the device is neither connected nor holding a session: nothing went out to it
                            log.debug("Command {}: no subscriber for {}", command.triggerId(), command.deviceId());
                        } else {
                            published.incrementAndGet();
                            if (command.state() == TriggerState.PENDING) {
                                steps.submit(new TriggerSteps.Sent(new TriggerId(command.triggerId()), "mqtt"));
                            }
                        }
                    });
        }
    }

    /** Commands the broker accepted since this instance started. */
    public long published() {
        return published.get();
    }

    private void received(Mqtt5Publish publish) {
        String[] levels = publish.getTopic().getLevels().toArray(String[]::new);
        if (levels.length != 4 || !levels[0].equals(properties.root()) || !levels[1].equals("devices")) {
            publish.acknowledge();
            return;
        }
        String deviceId = levels[2];
        try {
            switch (levels[3]) {
                case "acks" -> ack(deviceId, publish);
                case "status" -> {
                    status(deviceId, new String(publish.getPayloadAsBytes(), StandardCharsets.UTF_8).trim());
                    publish.acknowledge();
                }
                default -> publish.acknowledge();
            }
        } catch (RuntimeException e) {
            log.warn("Ignoring a message from device {} on {}: {}", deviceId, publish.getTopic(), e.toString());
            publish.acknowledge();
        }
    }

    /** {@code {"trigger_id", "status": "received" | "failed", "reason"?}}; acknowledged to the broker once applied. */
    private void ack(String deviceId, Mqtt5Publish publish) {
        JsonNode body = json.readTree(publish.getPayloadAsBytes());
        String triggerId = body.path("trigger_id").asString(null);
        String status = body.path("status").asString("received").toLowerCase(Locale.ROOT);
        if (triggerId == null || !(status.equals("received") || status.equals("failed"))) {
            log.warn("Device {} sent an ack without trigger_id or with status '{}'; ignored", deviceId, status);
            publish.acknowledge();
            return;
        }
        var step = new TriggerSteps.Ack(new TriggerId(triggerId), new DeviceId(deviceId), status.equals("received"),
                body.path("reason").asString(null));
        steps.submit(step).whenComplete((state, e) -> {
            if (e != null && !final_(rootCause(e))) {
                // not acknowledged to the broker: it delivers the ack again (to this or another instance)
                log.warn("Ack of {} by {} not applied yet: {}", triggerId, deviceId, e.toString());
                return;
            }
            publish.acknowledge();
            blocking.execute(() -> seen(deviceId));
        });
    }

    private void status(String deviceId, String status) {
        String connection = "mqtt:" + deviceId;
        if (status.equalsIgnoreCase("online")) {
            Map<String, Object> device = jdbc.queryForList("SELECT org FROM device_registry WHERE device_id = ?", deviceId)
                    .stream().findFirst().orElse(null);
            if (device == null) {
                return;
            }
            jdbc.update("""
                            INSERT INTO device_presence (connection_id, device_id, org, transport, instance_id, connected_at, seen_at)
                            VALUES (?, ?, ?, 'mqtt', 'broker', now(), now())
                            ON CONFLICT (connection_id) DO UPDATE SET seen_at = now()""",
                    connection, deviceId, device.get("org"));
            presence.changed(deviceId, "mqtt");
            seen(deviceId);
            publish(ledger.unacknowledged(deviceId));
        } else {
            jdbc.update("DELETE FROM device_presence WHERE connection_id = ?", connection);
            presence.changed(deviceId, "mqtt");
            seen(deviceId);
        }
    }

    private void seen(String deviceId) {
        jdbc.update("UPDATE device_registry SET last_seen_at = now() WHERE device_id = ?", deviceId);
    }

    /**
     * A refusal that a second delivery would only repeat (another device's trigger, a trigger that does not exist
     * or was archived, a malformed id): the ack is acknowledged to the broker, or it would come back forever.
     */
    private static boolean final_(Throwable cause) {
        return cause instanceof DomainException || cause instanceof AggregateNotFoundException
                || cause instanceof IllegalArgumentException;
    }

    private static boolean noSubscriber(Mqtt5PublishResult result) {
        return result instanceof Mqtt5PublishResult.Mqtt5Qos1Result qos1
                && qos1.getPubAck().getReasonCode() == Mqtt5PubAckReasonCode.NO_MATCHING_SUBSCRIBERS;
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }
}

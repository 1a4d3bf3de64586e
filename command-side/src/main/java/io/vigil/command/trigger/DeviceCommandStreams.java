package io.vigil.command.trigger;

import io.vigil.command.TriggerProperties;
import io.vigil.command.device.DevicePresence;
import io.vigil.command.device.DeviceRegistry;
import io.vigil.core.trigger.TriggerId;
import io.vigil.core.trigger.TriggerState;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The devices connected to this instance over Server-Sent Events, and their commands. A command is announced on
 * PostgreSQL's {@value TriggerLedger#CHANNEL} channel (by the ledger when a trigger is created, by the timers when
 * it is due again), so it reaches the device whichever instance it is connected to. On connect, and on every
 * announcement, a device gets every command it has not acknowledged: a re-send is the same event with the same id,
 * and a device acknowledges each once.
 */
@Component
public class DeviceCommandStreams implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(DeviceCommandStreams.class);
    private final JdbcTemplate jdbc;
    private final DataSource dataSource;
    private final TriggerSteps steps;
    private final TriggerLedger ledger;
    private final DeviceRegistry registry;
    private final DevicePresence presence;
    private final TriggerProperties properties;
    private final String instanceId = UUID.randomUUID().toString();
    private final Map<String, Set<Stream>> local = new ConcurrentHashMap<>();
    private final Scheduler blocking = Schedulers.boundedElastic();
    private static final Duration MIN_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
    private final ScheduledExecutorService listening = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vigil-device-command-listener");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean running;

    public DeviceCommandStreams(JdbcTemplate jdbc, DataSource dataSource, TriggerSteps steps, TriggerLedger ledger,
                                DeviceRegistry registry, DevicePresence presence, TriggerProperties properties) {
        this.presence = presence;
        this.ledger = ledger;
        this.registry = registry;
        this.jdbc = jdbc;
        this.dataSource = dataSource;
        this.steps = steps;
        this.properties = properties;
    }

    /** A device's command stream: every unacknowledged command now, then each as it comes, and a keep-alive comment. */
    public Flux<ServerSentEvent<Map<String, Object>>> open(DeviceRegistry.AuthenticatedDevice device) {
        String org = device.org();
        Stream stream = new Stream(UUID.randomUUID().toString(), device.deviceId(), device.keyHash(),
                Sinks.many().unicast().onBackpressureBuffer(), Sinks.empty());
        Flux<ServerSentEvent<Map<String, Object>>> keepAlive = Flux.interval(properties.keepAlive())
                .map(i -> ServerSentEvent.<Map<String, Object>>builder().comment("keep-alive").build());
        return Mono.fromRunnable(() -> connected(stream, org)).subscribeOn(blocking)
                .thenMany(Flux.merge(stream.sink().asFlux(), keepAlive).takeUntilOther(stream.closed().asMono()))
                .doFinally(signal -> blocking.schedule(() -> disconnected(stream)));
    }

    private void connected(Stream stream, String org) {
        local.computeIfAbsent(stream.deviceId(), d -> ConcurrentHashMap.newKeySet()).add(stream);
        jdbc.update("""
                        INSERT INTO device_presence (connection_id, device_id, org, transport, instance_id, connected_at, seen_at)
                        VALUES (?, ?, ?, 'sse', ?, now(), now())""",
                stream.id(), stream.deviceId(), org, instanceId);
        presence.changed(stream.deviceId(), "sse");
        seen(stream.deviceId());
        send(stream.deviceId());
    }

    private void disconnected(Stream stream) {
        Set<Stream> streams = local.get(stream.deviceId());
        if (streams != null) {
            streams.remove(stream);
            local.computeIfPresent(stream.deviceId(), (d, s) -> s.isEmpty() ? null : s);
        }
        try {
            jdbc.update("DELETE FROM device_presence WHERE connection_id = ?", stream.id());
            presence.changed(stream.deviceId(), "sse");
            seen(stream.deviceId());
        } catch (RuntimeException e) {
            log.warn("Could not record that device {} disconnected; its presence row ends with this instance's"
                    + " refresh: {}", stream.deviceId(), e.toString());
        }
    }

    public void seen(String deviceId) {
        jdbc.update("UPDATE device_registry SET last_seen_at = now() WHERE device_id = ?", deviceId);
    }

    /** Writes the device's unacknowledged commands to its streams on this instance, and records the first send. */
    void send(String deviceId) {
        Set<Stream> streams = local.get(deviceId);
        if (streams == null || streams.isEmpty()) {
            return;
        }
        for (CommandPublisher.OutgoingCommand command : ledger.unacknowledged(deviceId)) {
            ServerSentEvent<Map<String, Object>> event = ServerSentEvent.builder(command.message())
                    .id(command.triggerId()).event("capture").build();
            boolean written = false;
            for (Stream stream : streams) {
                synchronized (stream) {
                    written |= stream.sink().tryEmitNext(event).isSuccess();
                }
            }
            if (written && command.state() == TriggerState.PENDING) {
                recordSent(command.triggerId());
            }
        }
    }

    private void recordSent(String triggerId) {
        steps.submit(new TriggerSteps.Sent(new TriggerId(triggerId), "sse")).whenComplete((state, e) -> {
            if (e != null) {
                // the command went out all the same; the re-send or the ack records it
                log.warn("Could not record trigger {} as sent: {}", triggerId, e.toString());
            }
        });
    }

    /**
     * This instance's connections are alive; those of an instance that stopped refreshing them are not. A stream
     * whose key was revoked or ran out, or whose device was suspended, is closed here (so within one refresh).
     */
    void refreshPresence() {
        local.values().forEach(streams -> streams.forEach(stream -> {
            boolean valid = registry.authenticate(stream.keyHash())
                    .filter(d -> d.deviceId().equals(stream.deviceId())).isPresent();
            if (!valid) {
                log.info("Closing the command stream of device {}: its key is no longer valid", stream.deviceId());
                stream.closed().tryEmitEmpty();
            }
        }));
        jdbc.update("UPDATE device_presence SET seen_at = now() WHERE instance_id = ?", instanceId);
        jdbc.queryForList("""
                        DELETE FROM device_presence WHERE transport <> 'mqtt' AND seen_at < now() - make_interval(secs => ?)
                        RETURNING device_id, transport""",
                (double) properties.presenceTimeout().toSeconds()).stream().distinct()
                .forEach(gone -> presence.changed((String) gone.get("device_id"), (String) gone.get("transport")));
        presence.reconcile();
    }

    @Override
    public void start() {
        running = true;
        listening.execute(() -> listen(MIN_BACKOFF));
    }

    @Override
    public void stop() {
        running = false;
        listening.shutdownNow();
        jdbc.update("DELETE FROM device_presence WHERE instance_id = ?", instanceId);
        local.values().forEach(streams -> streams.forEach(s -> s.closed().tryEmitEmpty()));
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /**
     * LISTEN on a connection of its own until it fails; then the next attempt is scheduled after {@code backoff}
     * (doubling to 10 s). After each (re)connect every local device is sent what it has not acknowledged, since
     * notifications sent meanwhile were lost.
     */
    private void listen(Duration backoff) {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("LISTEN " + TriggerLedger.CHANNEL);
            local.keySet().forEach(device -> blocking.schedule(() -> send(device)));
            PGConnection pg = connection.unwrap(PGConnection.class);
            while (running) {
                PGNotification[] notifications = pg.getNotifications(1000);
                if (notifications != null) {
                    for (PGNotification n : notifications) {
                        if (local.containsKey(n.getParameter())) {
                            blocking.schedule(() -> send(n.getParameter()));
                        }
                    }
                }
            }
        } catch (Exception e) {
            if (running) {
                log.warn("Device command listener lost its connection ({}); reconnecting in {}", e.toString(), backoff);
                Duration next = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
                listening.schedule(() -> listen(next), backoff.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    private record Stream(String id, String deviceId, String keyHash,
                          Sinks.Many<ServerSentEvent<Map<String, Object>>> sink, Sinks.Empty<Void> closed) {
    }
}

package io.vigil.query.live;

import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.postgresql.PostgresqlConnectionFactoryProvider;
import io.r2dbc.postgresql.api.Notification;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.postgresql.api.PostgresqlResult;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.vigil.query.QuerySideProperties;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcConnectionDetails;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.retry.Retry;

/**
 * This instance's ear on the live views: one {@code LISTEN} on each change channel on a connection of its own,
 * shared by every live stream of the instance. The projection that changed a row may run on another instance
 * (a segment lives on one instance only), so live updates come from PostgreSQL, not from the local processor.
 * <p>
 * The connection is not pooled: a pool would hand it out for queries or close it when idle, and LISTEN is
 * bound to the backend. When it drops, it is re-opened with back-off; notifications sent meanwhile are lost,
 * so every (re)connect emits {@link #RESYNC}, on which subscribers re-read what they follow.
 */
@Component
public class ChangeListener implements SmartLifecycle {
    /** The channel the session projection notifies on; the payload is the session id. */
    public static final String SESSIONS = "vigil_session";
    /** The channel the trigger projection notifies on; the payload is the device id. */
    public static final String TRIGGERS = "vigil_trigger";
    public static final String CAPTURES = "vigil_capture";
    private static final java.util.List<String> CHANNELS = java.util.List.of(SESSIONS, TRIGGERS, CAPTURES);
    /** Emitted after each (re)connect: anything may have changed while nobody was listening. */
    public static final String RESYNC = "*";
    public static final String APPLICATION_NAME = "vigil-change-listener";
    private static final Logger log = LoggerFactory.getLogger(ChangeListener.class);
    // The heartbeat makes a silently dead connection (no RST, e.g. a NAT dropping it) fail instead of hang.
    private static final Duration HEARTBEAT = Duration.ofSeconds(30);

    private final PostgresqlConnectionFactory connections;
    private final Duration reconnectMin;
    private final Duration reconnectMax;
    // Best effort: a subscriber without demand misses a signal instead of stalling every other stream; live
    // streams request unboundedly (they keep only the latest signal) so in practice nobody misses one.
    private final Sinks.Many<Change> changes = Sinks.many().multicast().directBestEffort();
    private volatile Disposable running;
    private volatile boolean listening;

    @Autowired
    public ChangeListener(R2dbcConnectionDetails details, QuerySideProperties properties) {
        this(details.getConnectionFactoryOptions(), properties.listenerReconnectMin(), properties.listenerReconnectMax());
    }

    public ChangeListener(ConnectionFactoryOptions options, Duration reconnectMin, Duration reconnectMax) {
        this.connections = new PostgresqlConnectionFactory(PostgresqlConnectionFactoryProvider.builder(options)
                .applicationName(APPLICATION_NAME)
                .tcpKeepAlive(true)
                .build());
        this.reconnectMin = reconnectMin;
        this.reconnectMax = reconnectMax;
    }

    /** Hot: ids of sessions whose view changed (after commit), and {@link #RESYNC} after each (re)connect. */
    public Flux<String> changes() {
        return changes(SESSIONS);
    }

    /** Hot: the payloads notified on {@code channel} (after commit), and {@link #RESYNC} after each (re)connect. */
    public Flux<String> changes(String channel) {
        return changes.asFlux().filter(c -> c.channel() == null || c.channel().equals(channel)).map(Change::payload);
    }

    /** Whether the LISTEN is in place right now. */
    public boolean listening() {
        return listening;
    }

    @Override
    public synchronized void start() {
        if (running != null) {
            return;
        }
        running = Flux.defer(this::listenOnce)
                .doOnError(e -> {
                    listening = false;
                    log.warn("LISTEN {} lost ({}); reconnecting", CHANNELS, e.toString());
                })
                // transientErrors: the back-off starts again from reconnectMin after a connection that worked
                .retryWhen(Retry.backoff(Long.MAX_VALUE, reconnectMin).maxBackoff(reconnectMax).transientErrors(true))
                .subscribe(this::emit, e -> log.error("LISTEN {} gave up", CHANNELS, e));
    }

    @Override
    public synchronized void stop() {
        if (running != null) {
            running.dispose();
            running = null;
        }
        listening = false;
    }

    @Override
    public boolean isRunning() {
        return running != null;
    }

    /** Before the web server, so that streams opened by the first requests are already served. */
    @Override
    public int getPhase() {
        return 0;
    }

    private Flux<Change> listenOnce() {
        return Flux.usingWhen(connections.create(), this::listen, ChangeListener::close,
                (connection, error) -> close(connection), ChangeListener::close);
    }

    private Flux<Change> listen(PostgresqlConnection connection) {
        // Subscribed before LISTEN runs, so no notification arriving right after it is dropped. It ends when the
        // connection closes: a failure to recover from, not a normal end.
        Flux<Change> notifications = connection.getNotifications()
                .filter(n -> CHANNELS.contains(n.getName()))
                .map(n -> new Change(n.getName(), n.getParameter()))
                .concatWith(Mono.error(() -> new IllegalStateException("LISTEN connection closed")));
        Mono<Change> listen = Flux.fromIterable(CHANNELS).concatMap(channel -> execute(connection, "LISTEN " + channel))
                .then()
                .doOnSuccess(v -> {
                    listening = true;
                    log.info("Listening on {} for view changes", CHANNELS);
                })
                .thenReturn(new Change(null, RESYNC));
        Flux<Change> heartbeat = Flux.interval(HEARTBEAT)
                .concatMap(i -> execute(connection, "SELECT 1").timeout(HEARTBEAT))
                .thenMany(Flux.<Change>empty());
        return Flux.merge(notifications, listen, heartbeat);
    }

    private static Mono<Void> execute(PostgresqlConnection connection, String sql) {
        return connection.createStatement(sql).execute().flatMap(PostgresqlResult::getRowsUpdated).then();
    }

    private static Mono<Void> close(PostgresqlConnection connection) {
        return connection.close().onErrorResume(e -> Mono.empty());
    }

    private void emit(Change change) {
        changes.tryEmitNext(change);
    }

    /** A notification; a null channel is the resync every channel's subscribers get. */
    private record Change(String channel, String payload) {
    }
}

package io.vigil.command.activity;

import static io.vigil.command.activity.ActivityLedger.ts;

import io.vigil.command.HibernationProperties;
import io.vigil.command.guacamole.ActiveConnection;
import io.vigil.command.guacamole.GuacamoleClient;
import io.vigil.core.session.RecordActivity;
import io.vigil.core.session.SessionId;
import io.vigil.core.session.WarnIdle;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Watches for idle sessions. Guacamole reports no idle time, only which connections are open, so each sweep
 * marks the sessions with an open connection as seen now; heartbeats from in-guest agents move the same clock.
 * A session not seen for the idle threshold is warned; one seen again during its warning has the warning
 * cancelled. The sweep only observes: the session decides, and hibernates on its own deadline.
 * <p>
 * It runs as a db-scheduler recurring task, so exactly one instance sweeps at a time. When Guacamole cannot be
 * read, the sweep decides nothing: a user behind an open connection must never be hibernated for our blindness.
 */
@Component
public class IdleSweep {
    private static final Logger log = LoggerFactory.getLogger(IdleSweep.class);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(20);
    private final JdbcTemplate jdbc;
    private final GuacamoleClient guacamole;
    private final CommandGateway commands;
    private final HibernationProperties properties;
    private final Clock clock;

    public IdleSweep(JdbcTemplate jdbc, GuacamoleClient guacamole, CommandGateway commands,
                     HibernationProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.guacamole = guacamole;
        this.commands = commands;
        this.properties = properties;
        this.clock = clock;
    }

    public void sweep() {
        List<ActiveConnection> open;
        try {
            open = guacamole.activeConnections().block(CALL_TIMEOUT);
        } catch (RuntimeException e) {
            log.warn("Idle sweep skipped: Guacamole's active connections cannot be read ({})", e.getMessage());
            return;
        }
        Instant now = clock.instant();
        String[] connected = open.stream().map(ActiveConnection::connectionIdentifier).distinct().toArray(String[]::new);
        jdbc.update("""
                UPDATE session_activity SET last_activity_at = greatest(last_activity_at, ?)
                WHERE state IN ('ACTIVE', 'WARNED') AND connection_id = ANY (?)""", ts(now), connected);
        List<CompletableFuture<?>> sent = new ArrayList<>();
        for (SessionId id : jdbc.query("SELECT session_id FROM session_activity WHERE state = 'WARNED' AND last_activity_at > warned_at",
                (rs, n) -> new SessionId(rs.getString(1)))) {
            sent.add(commands.send(new RecordActivity(id, now)));
        }
        Instant hibernatesAt = now.plus(properties.warning());
        for (var idle : jdbc.query("""
                        SELECT session_id, last_activity_at FROM session_activity
                        WHERE state = 'ACTIVE' AND last_activity_at <= ?""",
                (rs, n) -> new WarnIdle(new SessionId(rs.getString(1)), rs.getObject(2, OffsetDateTime.class).toInstant(),
                        hibernatesAt),
                ts(now.minus(properties.idleThreshold())))) {
            sent.add(commands.send(idle));
        }
        awaitAll(sent);
    }

    /** A command that failed is not lost: the next sweep finds the same row and sends it again. */
    private static void awaitAll(List<CompletableFuture<?>> sent) {
        try {
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("Idle sweep: {} of {} commands did not go through; the next sweep retries them",
                    sent.stream().filter(CompletableFuture::isCompletedExceptionally).count(), sent.size());
        }
    }
}

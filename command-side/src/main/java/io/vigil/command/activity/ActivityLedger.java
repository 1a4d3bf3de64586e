package io.vigil.command.activity;

import io.vigil.core.session.HibernationFailed;
import io.vigil.core.session.HibernationStarted;
import io.vigil.core.session.IdleWarningCancelled;
import io.vigil.core.session.IdleWarningIssued;
import io.vigil.core.session.SessionActivated;
import io.vigil.core.session.SessionEnding;
import io.vigil.core.session.SessionFailed;
import io.vigil.core.session.SessionId;
import io.vigil.core.session.SessionResumed;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.Instant;
import java.util.Optional;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.Timestamp;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * {@code session_activity}: which sessions the idle sweep watches, their Guacamole connection and when they were
 * last seen in use. Written by the subscribing "admission-ledger" processor, in the transaction of the event, so
 * a session that is no longer active is never warned on a stale row.
 */
@Component
@ProcessingGroup("admission-ledger")
public class ActivityLedger {
    private final JdbcTemplate jdbc;

    public ActivityLedger(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(SessionActivated event, @Timestamp Instant at) {
        watch(event.sessionId(), event.connectionId(), at);
    }

    @EventHandler
    void on(SessionResumed event, @Timestamp Instant at) {
        watch(event.sessionId(), event.connectionId(), at);
    }

    /** Hibernation did not happen: the idle clock starts again rather than warning at once. */
    @EventHandler
    void on(HibernationFailed event, @Timestamp Instant at) {
        jdbc.update("UPDATE session_activity SET state = 'ACTIVE', warned_at = NULL, last_activity_at = ? WHERE session_id = ?",
                ts(at), event.sessionId().value());
    }

    @EventHandler
    void on(IdleWarningIssued event, @Timestamp Instant at) {
        jdbc.update("UPDATE session_activity SET state = 'WARNED', warned_at = ? WHERE session_id = ?",
                ts(at), event.sessionId().value());
    }

    @EventHandler
    void on(IdleWarningCancelled event) {
        jdbc.update("UPDATE session_activity SET state = 'ACTIVE', warned_at = NULL WHERE session_id = ?",
                event.sessionId().value());
    }

    @EventHandler
    void on(HibernationStarted event) {
        jdbc.update("UPDATE session_activity SET state = 'PAUSED', warned_at = NULL WHERE session_id = ?",
                event.sessionId().value());
    }

    @EventHandler
    void on(SessionEnding event) {
        forget(event.sessionId());
    }

    @EventHandler
    void on(SessionFailed event) {
        forget(event.sessionId());
    }

    /**
     * Records input reported by the session's agent (never later than now, never moving the clock back) and
     * answers the row's state afterwards: empty when the session is not watched (not active).
     */
    public Optional<Watched> heartbeat(SessionId id, Instant lastInput) {
        return jdbc.query("""
                        UPDATE session_activity SET last_activity_at = greatest(last_activity_at, ?)
                        WHERE session_id = ? AND state IN ('ACTIVE', 'WARNED')
                        RETURNING session_id, last_activity_at, warned_at""",
                (rs, n) -> Watched.from(rs), ts(lastInput), id.value()).stream().findFirst();
    }

    private void watch(SessionId id, String connectionId, Instant at) {
        jdbc.update("""
                INSERT INTO session_activity (session_id, connection_id, state, last_activity_at) VALUES (?, ?, 'ACTIVE', ?)
                ON CONFLICT (session_id) DO UPDATE SET connection_id = EXCLUDED.connection_id, state = 'ACTIVE',
                    last_activity_at = EXCLUDED.last_activity_at, warned_at = NULL""",
                id.value(), connectionId, ts(at));
    }

    private void forget(SessionId id) {
        jdbc.update("DELETE FROM session_activity WHERE session_id = ?", id.value());
    }

    /** pgjdbc binds OffsetDateTime to timestamptz; it cannot infer a type for Instant. */
    static OffsetDateTime ts(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    /** A watched session as the sweep and the heartbeat see it. */
    /** @param warnedAt when the running idle warning was given; null when none runs */
    public record Watched(SessionId sessionId, Instant lastActivityAt, Instant warnedAt) {
        static Watched from(java.sql.ResultSet rs) throws java.sql.SQLException {
            OffsetDateTime warnedAt = rs.getObject("warned_at", OffsetDateTime.class);
            return new Watched(new SessionId(rs.getString("session_id")),
                    rs.getObject("last_activity_at", OffsetDateTime.class).toInstant(),
                    warnedAt == null ? null : warnedAt.toInstant());
        }

        /** Activity after the warning was given: the warning is to be cancelled. */
        public boolean activeSinceWarning() {
            return warnedAt != null && lastActivityAt.isAfter(warnedAt);
        }
    }
}

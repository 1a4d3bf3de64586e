package io.vigil.query.device;

import static io.vigil.query.SequencedUpdate.ts;

import io.vigil.core.trigger.TriggerCreated;
import io.vigil.core.trigger.TriggerDelivered;
import io.vigil.core.trigger.TriggerExecuted;
import io.vigil.core.trigger.TriggerExpired;
import io.vigil.core.trigger.TriggerFailed;
import io.vigil.core.trigger.TriggerSent;
import io.vigil.query.SequencedUpdate;
import io.vigil.query.live.ChangeListener;
import java.time.Instant;
import java.util.Locale;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventhandling.Timestamp;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Every trigger of every device, and on the device: when it last reported and the run its last scheduled trigger
 * was for. A row takes in only events newer than its own, so replays and repeats change nothing; a change is
 * announced on {@value ChangeListener#TRIGGERS} (payload: the device id) for live views.
 */
@Component
@ProcessingGroup(TriggerViewProjection.PROCESSING_GROUP)
public class TriggerViewProjection {
    public static final String PROCESSING_GROUP = "trigger-views";
    private final JdbcTemplate jdbc;

    public TriggerViewProjection(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(TriggerCreated e, @SequenceNumber long seq, @Timestamp Instant at) {
        jdbc.update("""
                        INSERT INTO trigger_view (trigger_id, device_id, org, type, label, state, issued_at, expires_at,
                            scheduled_for, last_sequence, updated_at)
                        VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?)
                        ON CONFLICT (trigger_id) DO NOTHING""",
                e.triggerId().value(), e.deviceId().value(), e.org().value(), e.type().name().toLowerCase(Locale.ROOT),
                e.label(), ts(e.issuedAt()), ts(e.expiresAt()), ts(e.scheduledFor()), seq, ts(at));
        if (e.scheduledFor() != null) {
            jdbc.update("""
                            UPDATE device_view SET last_scheduled_for = ?
                            WHERE device_id = ? AND (last_scheduled_for IS NULL OR last_scheduled_for < ?)""",
                    ts(e.scheduledFor()), e.deviceId().value(), ts(e.scheduledFor()));
        }
        changed(e.deviceId().value());
    }

    @EventHandler
    void on(TriggerSent e, @SequenceNumber long seq, @Timestamp Instant at) {
        update(e.triggerId().value(), seq, at, "state = 'sent', transport = ?, sent_at = ?", e.transport(), ts(at));
        changed(e.deviceId().value());
    }

    @EventHandler
    void on(TriggerDelivered e, @SequenceNumber long seq, @Timestamp Instant at) {
        update(e.triggerId().value(), seq, at, "state = 'delivered', delivered_at = ?", ts(at));
        seen(e.deviceId().value(), at);
    }

    @EventHandler
    void on(TriggerFailed e, @SequenceNumber long seq, @Timestamp Instant at) {
        update(e.triggerId().value(), seq, at, "state = 'failed', failure_reason = ?, ended_at = ?", e.reason(), ts(at));
        seen(e.deviceId().value(), at);
    }

    @EventHandler
    void on(TriggerExecuted e, @SequenceNumber long seq, @Timestamp Instant at) {
        update(e.triggerId().value(), seq, at, "state = 'executed', ended_at = ?", ts(at));
        seen(e.deviceId().value(), at);
    }

    @EventHandler
    void on(TriggerExpired e, @SequenceNumber long seq, @Timestamp Instant at) {
        update(e.triggerId().value(), seq, at, "state = 'expired', ended_at = ?", ts(at));
        changed(e.deviceId().value());
    }

    private void update(String triggerId, long seq, Instant at, String assignments, Object... values) {
        SequencedUpdate u = SequencedUpdate.of("trigger_view", "trigger_id", triggerId, seq, at, assignments, values);
        jdbc.update(u.sql(), u.args());
    }

    private void seen(String deviceId, Instant at) {
        jdbc.update("UPDATE device_view SET last_seen_at = ? WHERE device_id = ? AND (last_seen_at IS NULL OR last_seen_at < ?)",
                ts(at), deviceId, ts(at));
        changed(deviceId);
    }

    private void changed(String deviceId) {
        jdbc.queryForObject("SELECT pg_notify(?, ?)", Object.class, ChangeListener.TRIGGERS, deviceId);
    }
}

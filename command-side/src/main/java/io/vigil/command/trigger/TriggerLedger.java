package io.vigil.command.trigger;

import io.vigil.command.TriggerProperties;
import io.vigil.core.DomainException;
import io.vigil.core.trigger.TriggerCreated;
import io.vigil.core.trigger.TriggerDelivered;
import io.vigil.core.trigger.TriggerExecuted;
import io.vigil.core.trigger.TriggerExpired;
import io.vigil.core.trigger.TriggerFailed;
import io.vigil.core.trigger.TriggerSent;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Every trigger in flight and its timers ({@code trigger_inflight}), kept in the transaction that appends the
 * trigger's events: a trigger is never created without its expiry, and a second trigger for a device with one in
 * flight is refused before anything is written. A new trigger is announced at commit ({@code NOTIFY}) to the
 * instance that holds the device's connection.
 */
@Component
@ProcessingGroup("trigger-ledger")
public class TriggerLedger {
    /** PostgreSQL channel: the payload is the id of a device that has a command to be sent now. */
    public static final String CHANNEL = "vigil_device_command";
    private final JdbcTemplate jdbc;
    private final TriggerProperties properties;

    public TriggerLedger(JdbcTemplate jdbc, TriggerProperties properties) {
        this.jdbc = jdbc;
        this.properties = properties;
    }

    /**
     * The device's registry row is locked first, as the scheduler locks it (and skips locked ones): a person's
     * trigger and a scheduled one for the same device never both pass the one-in-flight check.
     */
    @EventHandler
    void on(TriggerCreated e) {
        Instant firstResend = e.issuedAt().plusMillis(properties.resendDelays().isEmpty() ? 0 : (long) (properties
                .resendDelays().get(0).toMillis() * (1 + properties.jitter() * (2 * ThreadLocalRandom.current().nextDouble() - 1))));
        // one round trip on the fleet's hot path: lock the device row (the insert reads it, so the lock is taken
        // first), insert, announce at commit
        int inserted = jdbc.queryForList("""
                        WITH device AS (SELECT device_id FROM device_registry WHERE device_id = ? FOR UPDATE),
                        inserted AS (
                            INSERT INTO trigger_inflight (trigger_id, device_id, org, type, label, state, issued_at,
                                expires_at, scheduled_for, next_send_at)
                            SELECT ?, device.device_id, ?, ?, ?, 'PENDING', ?, ?, ?, ? FROM device
                            ON CONFLICT (device_id) DO NOTHING
                            RETURNING device_id)
                        SELECT pg_notify(?, device_id) FROM inserted""",
                Object.class, e.deviceId().value(),
                e.triggerId().value(), e.org().value(), e.type().name(), e.label(),
                utc(e.issuedAt()), utc(e.expiresAt()), e.scheduledFor() == null ? null : utc(e.scheduledFor()),
                properties.resendDelays().isEmpty() || !firstResend.isBefore(e.expiresAt()) ? null : utc(firstResend),
                CHANNEL).size();
        if (inserted == 0) {
            List<InFlight> current = jdbc.query("SELECT trigger_id, state, expires_at FROM trigger_inflight WHERE device_id = ?",
                    (rs, i) -> new InFlight(rs.getString(1), rs.getString(2), rs.getObject(3, OffsetDateTime.class)),
                    e.deviceId().value());
            throw DomainException.conflict("trigger_in_flight", current.isEmpty()
                    ? "Device '" + e.deviceId() + "' has a trigger in flight"
                    : "Device '" + e.deviceId() + "' has a trigger in flight (" + current.get(0).triggerId() + ", "
                    + current.get(0).state().toLowerCase(java.util.Locale.ROOT) + ", expires at "
                    + current.get(0).expiresAt().toInstant() + "): one at a time per device");
        }
    }

    @EventHandler
    void on(TriggerSent e, @SequenceNumber long seq) {
        jdbc.update("UPDATE trigger_inflight SET state = 'SENT', last_seq = ? WHERE trigger_id = ?", seq,
                e.triggerId().value());
    }

    /** Acknowledged: nothing more to send; it waits for its capture or its expiry. */
    @EventHandler
    void on(TriggerDelivered e, @SequenceNumber long seq) {
        jdbc.update("UPDATE trigger_inflight SET state = 'DELIVERED', next_send_at = NULL, last_seq = ? WHERE trigger_id = ?",
                seq, e.triggerId().value());
    }

    @EventHandler
    void on(TriggerFailed e) {
        ended(e.triggerId().value(), "FAILED");
    }

    @EventHandler
    void on(TriggerExecuted e) {
        ended(e.triggerId().value(), "EXECUTED");
    }

    @EventHandler
    void on(TriggerExpired e) {
        ended(e.triggerId().value(), "EXPIRED");
    }

    /**
     * Out of flight, and queued for the archive (by issue time, which the closed list keeps from here); how it ended
     * stays there too, so a late upload learns why its trigger cannot take it.
     */
    private void ended(String triggerId, String state) {
        jdbc.update("""
                        WITH gone AS (DELETE FROM trigger_inflight WHERE trigger_id = ?
                            RETURNING trigger_id, issued_at, device_id)
                        INSERT INTO trigger_closed (trigger_id, issued_at, device_id, state)
                        SELECT trigger_id, issued_at, device_id, ? FROM gone
                        ON CONFLICT (trigger_id) DO NOTHING""", triggerId, state);
    }

    /** The device's commands still to be acknowledged (pending or sent, not expired), oldest first. */
    public List<CommandPublisher.OutgoingCommand> unacknowledged(String deviceId) {
        return jdbc.query("SELECT " + CommandPublisher.OutgoingCommand.COLUMNS + " FROM trigger_inflight"
                        + " WHERE device_id = ? AND state IN ('PENDING', 'SENT') AND expires_at > now() ORDER BY issued_at",
                (rs, i) -> CommandPublisher.OutgoingCommand.read(rs), deviceId);
    }

    private static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }

    private record InFlight(String triggerId, String state, OffsetDateTime expiresAt) {
    }
}

package io.vigil.command.trigger;

import io.vigil.core.trigger.TriggerState;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Pushes capture commands to devices over a channel the device holds open to the broker (MQTT). Server-Sent
 * Events need no publisher: their instance hears of every command through PostgreSQL. A publisher never blocks
 * its caller and never counts the broker's acknowledgement as delivery; only the device's ack is.
 */
public interface CommandPublisher {

    void publish(List<OutgoingCommand> commands);

    CommandPublisher NONE = commands -> { };

    /** A command in flight, as the device receives it; {@code state} says whether it has been sent yet. */
    record OutgoingCommand(String triggerId, String deviceId, String type, String label, Instant issuedAt,
                           Instant expiresAt, Instant scheduledFor, TriggerState state) {

        /** The columns of {@code trigger_inflight} it is read from, in this order. */
        public static final String COLUMNS = "trigger_id, device_id, type, label, issued_at, expires_at, scheduled_for, state";

        public static OutgoingCommand read(ResultSet rs) throws SQLException {
            OffsetDateTime scheduledFor = rs.getObject(7, OffsetDateTime.class);
            return new OutgoingCommand(rs.getString(1), rs.getString(2), rs.getString(3).toLowerCase(Locale.ROOT),
                    rs.getString(4), rs.getObject(5, OffsetDateTime.class).toInstant(),
                    rs.getObject(6, OffsetDateTime.class).toInstant(),
                    scheduledFor == null ? null : scheduledFor.toInstant(), TriggerState.valueOf(rs.getString(8)));
        }

        /** The existing fleet's command: {@code {"command": "capture", "trigger_id", ...}}. */
        public Map<String, Object> message() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("command", "capture");
            m.put("trigger_id", triggerId);
            m.put("trigger_type", type);
            m.put("trigger_label", label);
            m.put("issued_at", issuedAt.toString());
            m.put("expires_at", expiresAt.toString());
            if (scheduledFor != null) {
                m.put("scheduled_for", scheduledFor.toString());
            }
            return m;
        }
    }
}

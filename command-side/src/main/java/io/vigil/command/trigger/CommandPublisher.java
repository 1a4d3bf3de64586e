package io.vigil.command.trigger;

import java.time.Instant;
import java.util.List;

/**
 * Pushes capture commands to devices over a channel the device holds open to the broker (MQTT). Server-Sent
 * Events need no publisher: their instance hears of every command through PostgreSQL. A publisher never blocks
 * its caller and never counts the broker's acknowledgement as delivery; only the device's ack is.
 */
public interface CommandPublisher {

    void publish(List<OutgoingCommand> commands);

    /** A command as the device receives it. */
    record OutgoingCommand(String triggerId, String deviceId, String type, String label, Instant issuedAt,
                           Instant expiresAt, Instant scheduledFor) {
    }

    CommandPublisher NONE = commands -> { };
}

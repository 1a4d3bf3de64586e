package io.vigil.core.trigger;

import io.vigil.core.device.DeviceId;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The device's own word: it got the command ({@code received}) or cannot act on it ({@code reason}). */
public record AcknowledgeTrigger(@TargetAggregateIdentifier TriggerId triggerId, DeviceId deviceId, boolean received,
                                 String reason) {
}

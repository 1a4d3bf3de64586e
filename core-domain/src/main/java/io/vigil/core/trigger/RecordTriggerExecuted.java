package io.vigil.core.trigger;

import io.vigil.core.device.DeviceId;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The device's capture for this trigger arrived (recorded by the upload path). */
public record RecordTriggerExecuted(@TargetAggregateIdentifier TriggerId triggerId, DeviceId deviceId) {
}

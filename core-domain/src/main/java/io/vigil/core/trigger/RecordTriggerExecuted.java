package io.vigil.core.trigger;

import io.vigil.core.capture.CaptureId;
import io.vigil.core.device.DeviceId;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The device's capture for this trigger arrived (recorded by the upload path with the capture). */
public record RecordTriggerExecuted(@TargetAggregateIdentifier TriggerId triggerId, DeviceId deviceId,
                                    CaptureId captureId) {
}

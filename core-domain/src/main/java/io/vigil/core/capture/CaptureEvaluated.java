package io.vigil.core.capture;

import io.vigil.core.OrgId;
import io.vigil.core.device.DeviceId;

public record CaptureEvaluated(CaptureId captureId, DeviceId deviceId, OrgId org, EvaluationResult result, int attempt) {
}

package io.vigil.core.capture;

import io.vigil.core.OrgId;
import io.vigil.core.device.DeviceId;
import java.time.Instant;

/** An attempt failed: {@code retryAt} null means for good (the capture's evaluation is {@code failed}). */
public record CaptureEvaluationFailed(CaptureId captureId, DeviceId deviceId, OrgId org, String reason, int attempt,
                                      Instant retryAt) {
    public boolean isFinal() {
        return retryAt == null;
    }
}

package io.vigil.core.capture;

import io.vigil.core.OrgId;
import io.vigil.core.device.DeviceId;

/** The image is gone from the blob store (or is about to be: the blob is deleted after this is committed). */
public record CaptureImagePurged(CaptureId captureId, DeviceId deviceId, OrgId org, String blobKey, String reason) {
}

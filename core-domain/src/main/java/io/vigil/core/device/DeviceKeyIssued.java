package io.vigil.core.device;

import io.vigil.core.OrgId;
import java.time.Instant;

/**
 * A key was issued: only its SHA-256 is recorded. {@code otherKeysValidUntil} ends the keys issued before it
 * (null on registration, when there are none).
 */
public record DeviceKeyIssued(DeviceId deviceId, OrgId org, String keyId, String keyHash, Instant otherKeysValidUntil) {
}

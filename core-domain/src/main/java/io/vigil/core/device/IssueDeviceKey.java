package io.vigil.core.device;

import io.vigil.core.Check;
import io.vigil.core.OrgId;
import java.time.Instant;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Rotation: a new key, and every key still valid stays valid until {@code otherKeysValidUntil} (the overlap in
 * which a device switches over); {@code otherKeysValidUntil} at or before now ends them at once.
 */
public record IssueDeviceKey(@TargetAggregateIdentifier DeviceId deviceId, OrgId org, String keyId, String keyHash,
                             Instant otherKeysValidUntil) {
    public IssueDeviceKey {
        Check.present(deviceId, "device_id");
        Check.present(org, "org");
        Check.present(keyId, "key_id");
        Check.present(keyHash, "key_hash");
        Check.present(otherKeysValidUntil, "other_keys_valid_until");
    }
}

package io.vigil.core.trigger;

import io.vigil.core.OrgId;
import io.vigil.core.device.DeviceId;
import java.time.Instant;

public record TriggerCreated(TriggerId triggerId, DeviceId deviceId, OrgId org, TriggerType type, String label,
                             Instant issuedAt, Instant expiresAt, Instant scheduledFor) {
}

package io.vigil.core.trigger;

import io.vigil.core.Check;
import io.vigil.core.OrgId;
import io.vigil.core.device.DeviceId;
import java.time.Instant;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * A capture command for one device, which must be acted on before {@code expiresAt}; {@code scheduledFor} is the
 * scheduled run it is for (null for a person's trigger).
 */
public record CreateTrigger(@TargetAggregateIdentifier TriggerId triggerId, DeviceId deviceId, OrgId org,
                            TriggerType type, String label, Instant issuedAt, Instant expiresAt, Instant scheduledFor) {
    public CreateTrigger {
        Check.present(triggerId, "trigger_id");
        Check.present(deviceId, "device_id");
        Check.present(org, "org");
        Check.present(type, "trigger_type");
        Check.text(label, "trigger_label", 100);
        Check.present(issuedAt, "issued_at");
        Check.present(expiresAt, "expires_at");
        if (!expiresAt.isAfter(issuedAt)) {
            throw io.vigil.core.DomainException.invalid("invalid_expires_at", "a trigger must expire after it is issued");
        }
    }
}

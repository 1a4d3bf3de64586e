package io.vigil.core.keptvm;

import io.vigil.core.Check;
import io.vigil.core.UserId;
import io.vigil.core.node.NodeName;
import io.vigil.core.session.SessionId;
import io.vigil.core.template.TemplateId;
import io.vigil.core.template.TemplateSpec;
import java.time.Instant;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Teardown of a persistent session stopped and renamed its VM: keep it for its owner until {@code retainUntil}. */
public record KeepVm(@TargetAggregateIdentifier KeptVmId keptVmId, UserId owner, TemplateId templateId,
                     TemplateSpec template, NodeName node, int vmid, SessionId fromSession, Instant keptAt,
                     Instant retainUntil) {
    public KeepVm {
        Check.present(keptVmId, "kept_vm_id");
        Check.present(owner, "owner");
        Check.present(template, "template");
        Check.present(node, "node");
        Check.present(retainUntil, "retain_until");
    }
}

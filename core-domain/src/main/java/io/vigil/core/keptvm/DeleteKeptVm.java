package io.vigil.core.keptvm;

import io.vigil.core.Check;
import io.vigil.core.UserId;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The owner (or an admin) no longer wants the kept VM. */
public record DeleteKeptVm(@TargetAggregateIdentifier KeptVmId keptVmId, UserId requestedBy, boolean admin) {
    public DeleteKeptVm {
        Check.present(keptVmId, "vm_id");
        Check.present(requestedBy, "user");
    }
}

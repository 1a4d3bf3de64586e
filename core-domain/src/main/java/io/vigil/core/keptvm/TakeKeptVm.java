package io.vigil.core.keptvm;

import io.vigil.core.Check;
import io.vigil.core.UserId;
import io.vigil.core.session.SessionId;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** A new session of the owner starts from the kept VM (admission sends it, under the admission lock). */
public record TakeKeptVm(@TargetAggregateIdentifier KeptVmId keptVmId, SessionId sessionId, UserId requestedBy) {
    public TakeKeptVm {
        Check.present(keptVmId, "from_vm");
        Check.present(sessionId, "session_id");
        Check.present(requestedBy, "user");
    }
}

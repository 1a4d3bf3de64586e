package io.vigil.core.session;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Records the VMID the provisioning saga is about to clone into, before it clones: a crash cannot hide the VM. */
public record ReserveVmId(@TargetAggregateIdentifier SessionId sessionId, int vmid) {
}

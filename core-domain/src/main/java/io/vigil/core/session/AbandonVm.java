package io.vigil.core.session;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Teardown could not remove the VM after its retries: the reconciler takes it over. */
public record AbandonVm(@TargetAggregateIdentifier SessionId sessionId, String detail) {
}

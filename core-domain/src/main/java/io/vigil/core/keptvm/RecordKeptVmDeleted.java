package io.vigil.core.keptvm;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The VM is gone from the cluster; {@code failure} is non-null when removal gave up (the reconciler takes it). */
public record RecordKeptVmDeleted(@TargetAggregateIdentifier KeptVmId keptVmId, String failure) {
}

package io.vigil.core.trigger;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The command went out to the device (written to its stream, or published to its topic). */
public record RecordTriggerSent(@TargetAggregateIdentifier TriggerId triggerId, String transport) {
}

package io.vigil.core.trigger;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Its time is up: sent by the timer that holds every trigger's expiry. */
public record ExpireTrigger(@TargetAggregateIdentifier TriggerId triggerId) {
}

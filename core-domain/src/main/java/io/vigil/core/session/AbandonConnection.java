package io.vigil.core.session;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Teardown could not remove the session's Guacamole connection after its retries: the reconciler takes it over.
 *
 * @param connectionId the connection's identifier; null when Guacamole could not even be asked whether the session
 *                     has one (it would be named for the session)
 */
public record AbandonConnection(@TargetAggregateIdentifier SessionId sessionId, String connectionId, String detail) {
}

package io.vigil.core.session;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * The session's VM is no longer in the cluster (removed outside Vigil); {@code detail} says how it was found out.
 * {@code byWorkingSaga}: sent by the saga acting on the VM (hibernation, resume), which stops; otherwise by the
 * reconciler, which only reports sessions no saga works on (active, hibernating).
 */
public record RecordVmLost(@TargetAggregateIdentifier SessionId sessionId, String detail, boolean byWorkingSaga) {

    public static RecordVmLost byReconciler(SessionId sessionId, String detail) {
        return new RecordVmLost(sessionId, detail, false);
    }

    public static RecordVmLost bySaga(SessionId sessionId, String detail) {
        return new RecordVmLost(sessionId, detail, true);
    }
}

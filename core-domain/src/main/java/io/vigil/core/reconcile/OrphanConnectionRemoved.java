package io.vigil.core.reconcile;

/** The reconciler removed a Guacamole connection of Vigil's that no live session held. */
public record OrphanConnectionRemoved(String runId, String connectionId, String name, String reason) {
}

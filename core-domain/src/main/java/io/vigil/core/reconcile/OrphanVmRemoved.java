package io.vigil.core.reconcile;

/** The reconciler removed a {@code vigil-*} VM that no live session or kept VM held. */
public record OrphanVmRemoved(String runId, String node, int vmid, String name, String reason) {
}

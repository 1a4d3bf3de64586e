package io.vigil.core.keptvm;

import io.vigil.core.UserId;
import io.vigil.core.node.NodeName;

/**
 * The kept VM is no longer its owner's. {@code failure} is null when it was removed; otherwise removal gave up,
 * and the VM, held by nobody now, is the reconciler's to remove.
 */
public record KeptVmDeleted(KeptVmId keptVmId, UserId owner, NodeName node, int vmid, String failure) {
}

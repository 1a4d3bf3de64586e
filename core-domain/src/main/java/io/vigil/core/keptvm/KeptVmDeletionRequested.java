package io.vigil.core.keptvm;

import io.vigil.core.UserId;
import io.vigil.core.node.NodeName;

public record KeptVmDeletionRequested(KeptVmId keptVmId, UserId owner, NodeName node, int vmid, DeletionReason reason) {
}

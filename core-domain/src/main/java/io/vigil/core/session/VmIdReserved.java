package io.vigil.core.session;

import io.vigil.core.node.NodeName;

public record VmIdReserved(SessionId sessionId, NodeName node, int vmid) {
}

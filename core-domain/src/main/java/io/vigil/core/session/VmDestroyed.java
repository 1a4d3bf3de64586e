package io.vigil.core.session;

import io.vigil.core.node.NodeName;

public record VmDestroyed(SessionId sessionId, NodeName node, int vmid) {
}

package io.vigil.core.session;

import io.vigil.core.node.NodeName;

public record VmCloned(SessionId sessionId, NodeName node, int vmid) {
}

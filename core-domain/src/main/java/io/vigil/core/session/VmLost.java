package io.vigil.core.session;

import io.vigil.core.node.NodeName;

/** The session's VM vanished outside Vigil; the session ends with {@link EndReason#VM_LOST}. */
public record VmLost(SessionId sessionId, NodeName node, Integer vmid, String detail) {
}

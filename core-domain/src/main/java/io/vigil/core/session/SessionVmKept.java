package io.vigil.core.session;

import io.vigil.core.node.NodeName;

/** The session's VM was kept for its owner (stopped, renamed {@code keptVmId}) instead of being destroyed. */
public record SessionVmKept(SessionId sessionId, NodeName node, int vmid, String keptVmId) {
}

package io.vigil.core.session;

import io.vigil.core.node.NodeName;

/** The session is over for its user; teardown removes {@code vmid} and {@code connectionId} when they are set. */
public record SessionEnding(SessionId sessionId, EndReason reason, NodeName node, Integer vmid, String connectionId) {
}

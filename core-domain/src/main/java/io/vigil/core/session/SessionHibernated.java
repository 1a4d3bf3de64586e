package io.vigil.core.session;

import io.vigil.core.node.NodeName;

/** The VM is suspended to disk (RAM freed) and its Guacamole connection removed; the session keeps its end time. */
public record SessionHibernated(SessionId sessionId, NodeName node, int vmid) {
}

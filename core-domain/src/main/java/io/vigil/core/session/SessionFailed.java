package io.vigil.core.session;

import io.vigil.core.node.NodeName;

/** Provisioning gave up. {@code vmid} and {@code connectionId}, when set, name what teardown must remove. */
public record SessionFailed(SessionId sessionId, String reason, NodeName node, Integer vmid, String connectionId) {
}

package io.vigil.core.session;

import io.vigil.core.node.NodeName;

/**
 * Provisioning gave up. {@code reason} is the diagnostic text (admins only), {@code code} the engineer's reason
 * (null in events recorded before codes existed). {@code vmid} and {@code connectionId}, when set, name what
 * teardown must remove.
 */
public record SessionFailed(SessionId sessionId, String reason, NodeName node, Integer vmid, String connectionId,
                            FailureCode code) {
}

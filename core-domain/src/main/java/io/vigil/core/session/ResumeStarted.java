package io.vigil.core.session;

import io.vigil.core.node.NodeName;
import io.vigil.core.template.Protocol;

/** The owner came back; what the resume saga needs to bring the VM back and reconnect it. */
public record ResumeStarted(SessionId sessionId, NodeName node, int vmid, Protocol protocol) {
}

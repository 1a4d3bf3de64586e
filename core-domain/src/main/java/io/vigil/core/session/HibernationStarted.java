package io.vigil.core.session;

import io.vigil.core.node.NodeName;

/**
 * Recorded before the VM is touched, so a crash mid-suspend always leaves a record that the hibernation saga
 * finishes. {@code connectionId} is the Guacamole connection to remove once the VM is on disk; {@code pendingTask}
 * is a Proxmox task (a resume that gave up) the hibernation must wait for before it suspends, null when none.
 */
public record HibernationStarted(SessionId sessionId, HibernationReason reason, NodeName node, int vmid,
                                 String connectionId, String pendingTask) {
}

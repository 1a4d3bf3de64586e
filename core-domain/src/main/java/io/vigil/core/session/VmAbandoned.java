package io.vigil.core.session;

import io.vigil.core.node.NodeName;

/**
 * Teardown gave up on the VM ({@code detail} says why); the session is over all the same, and the reconciler
 * removes the VM, which no live session holds any more.
 */
public record VmAbandoned(SessionId sessionId, NodeName node, Integer vmid, String detail) {
}

package io.vigil.core.node;

/**
 * What node selection knows about one node: the registry's view, Proxmox's live figures and the sessions
 * Vigil has placed there. {@code pendingRamMb} is RAM promised to sessions still provisioning, which the
 * (cached) live figures do not show yet; counting it keeps a burst of requests from piling onto one node.
 */
public record NodeLoad(NodeName node, NodeStatus status, boolean reachable, double cpu, long memUsedBytes,
                       long memTotalBytes, int vms, int maxVms, long pendingRamMb) {

    /** {@code 0.7 · RAM used/total + 0.3 · CPU}, with pending RAM counted as used. */
    public double score() {
        if (memTotalBytes <= 0) {
            return 1.0;
        }
        double mem = Math.min(1.0, (memUsedBytes + pendingRamMb * 1024.0 * 1024.0) / memTotalBytes);
        return 0.7 * mem + 0.3 * Math.max(0.0, Math.min(1.0, cpu));
    }
}

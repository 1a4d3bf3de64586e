package io.vigil.query.registry;

import io.vigil.platform.cache.NodeStatus;
import java.time.Instant;

/**
 * A node for admins: the registry's settings, the VMs Vigil holds there, and Proxmox's live figures as last
 * sampled into Redis. The live fields are null when the node was never sampled; {@code sampled_at} says how old
 * they are, since the cache keeps the last sample even when Proxmox stops answering.
 *
 * @param proxmoxStatus what Proxmox said of the node in that sample: online, offline or unknown
 */
public record NodeView(String name, String hostname, String status, int maxVms, int activeVms, Double cpuPercent,
                       Long ramUsedBytes, Long ramTotalBytes, Long uptimeSeconds, String proxmoxStatus,
                       Instant sampledAt) {

    static NodeView of(String name, String hostname, String status, int maxVms, int activeVms, NodeStatus live) {
        if (live == null) {
            return new NodeView(name, hostname, status, maxVms, activeVms, null, null, null, null, null, null);
        }
        double percent = Math.round(live.cpu() * 1000.0) / 10.0;
        return new NodeView(name, hostname, status, maxVms, activeVms, percent, live.memUsed(), live.memTotal(),
                live.uptimeSeconds(), live.status(), live.sampledAt());
    }
}

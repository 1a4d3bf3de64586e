package io.vigil.platform.cache;

import java.time.Instant;

/**
 * Live figures of one Proxmox node as last sampled: the command side writes them (placement needs them), the
 * query side reads them (admins' node view). {@code reachable} is false when the last sample failed.
 */
public record NodeStatus(String node, String status, double cpu, int maxCpu, long memUsed, long memTotal,
                         long uptimeSeconds, Instant sampledAt) {
}

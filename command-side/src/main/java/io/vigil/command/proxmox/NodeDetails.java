package io.vigil.command.proxmox;

/** {@code GET /nodes/{node}/status}, reduced to what placement needs. */
public record NodeDetails(double cpu, int cpus, long memoryTotal, long memoryUsed,
                                                    long memoryFree, long uptime) {
}

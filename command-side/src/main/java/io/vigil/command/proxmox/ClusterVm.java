package io.vigil.command.proxmox;

/**
 * One VM as {@code GET /cluster/resources?type=vm} lists it, wherever its config lives: the node that holds it
 * now (a clone in progress: the node that runs the clone), its lock, and its name. A clone in progress has no
 * name of its own yet (Proxmox shows {@code "VM <vmid>"}, or nothing before its first status pass): {@link #name}
 * is null then.
 *
 * @param status running, stopped, paused, or unknown (its node is unreachable)
 */
public record ClusterVm(int vmid, String node, String name, String status, boolean template, String lock) {

    public boolean running() {
        return "running".equals(status) || "paused".equals(status);
    }

    public boolean cloning() {
        return "clone".equals(lock);
    }

    public boolean hibernated() {
        return "suspended".equals(lock);
    }

    public boolean unknown() {
        return "unknown".equals(status);
    }
}

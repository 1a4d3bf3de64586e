package io.vigil.simulators.proxmox;

/** Mutable state of one simulated VM; guarded by the {@link ProxmoxCluster} monitor. */
final class SimVm {

    final int vmid;
    final boolean template;
    final long maxmem;
    final Integer linkedFrom;
    String node;
    String name;
    String description;
    String status = "stopped";
    String qmpstatus = "stopped";
    String lock;
    /** UPID of the task that holds this VM's config lock, if any. */
    String busyWith;
    long runningSinceNanos;
    long agentReadyAtNanos;

    SimVm(int vmid, String node, String name, boolean template, long maxmem, Integer linkedFrom) {
        this.vmid = vmid;
        this.node = node;
        this.name = name;
        this.template = template;
        this.maxmem = maxmem;
        this.linkedFrom = linkedFrom;
    }

    boolean running() {
        return "running".equals(status);
    }

    boolean hibernated() {
        return "suspended".equals(lock);
    }

    long uptimeSeconds(long nowNanos) {
        return running() ? (nowNanos - runningSinceNanos) / 1_000_000_000L : 0;
    }

    void powerOn(long nowNanos, long agentReadyAtNanos) {
        status = "running";
        qmpstatus = "running";
        runningSinceNanos = nowNanos;
        this.agentReadyAtNanos = agentReadyAtNanos;
    }

    void powerOff() {
        status = "stopped";
        qmpstatus = "stopped";
    }

    VmSnapshot snapshot() {
        return new VmSnapshot(node, vmid, name, status, qmpstatus, lock, template);
    }
}

package io.vigil.simulators.proxmox;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * Mutable state of one simulated VM: its config (as {@code /etc/pve/nodes/<node>/qemu-server/<vmid>.conf} holds it)
 * and its runtime. Guarded by the {@link ProxmoxCluster} monitor.
 * <p>
 * Two different locks, as in Proxmox: {@link #lock} is the config's {@code lock:} line (clone, suspending,
 * suspended...), visible cluster-wide; {@link #flockHolder} is the node-local flock on
 * {@code /var/lock/qemu-server/lock-<vmid>.conf} that a worker holds while it changes the VM.
 */
final class SimVm {

    final int vmid;
    final long maxmem;
    final String storage;
    /** The template this VM is a linked clone of, or null. */
    final Integer linkedFrom;
    boolean template;
    String node;
    /** Null while a clone task runs: the temporary config has no name. */
    String name;
    String description;
    String status = "stopped";
    String qmpstatus = "stopped";
    String lock;
    String vmstate;
    long runningSinceNanos;
    /** When the guest agent starts answering (it reports only {@code lo} until {@link #addressAtNanos}). */
    long agentAtNanos;
    long addressAtNanos;
    /** UPID of the worker holding this VM's flock exclusively, or null. */
    String flockHolder;
    /** UPIDs of workers holding it shared (clones of a stopped source). */
    final Set<String> sharedHolders = new HashSet<>();
    /** Workers waiting for the flock, in arrival order. */
    final Deque<SimTask> waiters = new ArrayDeque<>();
    /**
     * What the nodes' statistics pass (pvestatd) last saw: {@code GET /cluster/resources} shows these, not the
     * live values. Null until a pass has seen the VM.
     */
    Stats stats;

    record Stats(String name, String status, boolean template) {
    }

    SimVm(int vmid, String node, String name, boolean template, long maxmem, String storage, Integer linkedFrom) {
        this.vmid = vmid;
        this.node = node;
        this.name = name;
        this.template = template;
        this.maxmem = maxmem;
        this.storage = storage;
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

    /** {@code bootNanos} is how long the guest takes from power-on until its agent reports a routable address. */
    void powerOn(long nowNanos, long bootNanos) {
        status = "running";
        qmpstatus = "running";
        runningSinceNanos = nowNanos;
        // The agent starts part-way through the boot and reports only loopback until the network is up.
        agentAtNanos = nowNanos + bootNanos * 2 / 5;
        addressAtNanos = nowNanos + bootNanos;
    }

    void powerOff() {
        status = "stopped";
        qmpstatus = "stopped";
    }

    boolean flockFree(boolean shared) {
        return flockHolder == null && (shared || sharedHolders.isEmpty());
    }

    /** The disk as the config shows it: a base volume for templates, a linked volume on the base for clones. */
    String disk() {
        String base = linkedFrom == null ? "" : "base-" + linkedFrom + "-disk-0/";
        String volume = template ? "base-" + vmid + "-disk-0" : base + "vm-" + vmid + "-disk-0";
        return storage + ":" + volume + ",size=32G";
    }

    VmSnapshot snapshot() {
        return new VmSnapshot(node, vmid, name, status, qmpstatus, lock, template);
    }
}

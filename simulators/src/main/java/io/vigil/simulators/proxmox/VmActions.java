package io.vigil.simulators.proxmox;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.vigil.simulators.proxmox.ProxmoxSimConfig.Latencies;
import io.vigil.simulators.proxmox.Workers.Flock;

/**
  * The VM actions, split as qemu-server splits them (PVE 8, {@code PVE/API2/Qemu.pm}): the checks the API makes
  * before forking the worker answer as HTTP errors; everything the worker does under the VM's flock, including
  * most lock and state checks since PVE 7.2, shows only in the task's exit status.
  */
final class VmActions implements Workers.Work {

    private final ProxmoxCluster cluster;
    private final Workers workers;

    VmActions(ProxmoxCluster cluster, Workers workers) {
        this.cluster = cluster;
        this.workers = workers;
    }

    /**
      * Clone: the source must be on {@code node} and unlocked, a {@code target} needs every disk on shared storage,
      * and {@code newid} must be free on this node. The new VM exists at once as a temporary config on this node
      * ({@code lock: clone}, no name); it gets its name, loses its lock and moves to the target when the task ends.
      */
    String clone(String node, int sourceId, Map<String, String> params, String user) {
        synchronized (cluster) {
            int newId = ProxmoxParams.requiredVmid(params, "newid");
            String name = ProxmoxParams.dnsName(params, "name");
            String target = params.get("target");
            if (target != null && (target.equals(node) || target.equals("localhost"))) {
                target = null;
            }
            SimVm source = cluster.requireVmRunningCheck(node, sourceId);
            if (target != null && !cluster.nodes.containsKey(target)) {
                throw ApiError.server("no such cluster node '" + target + "'");
            }
            checkLock(source);
            boolean full = ProxmoxParams.bool(params, "full", !source.template);
            if (!full && !source.template) {
                throw ApiError.server("Linked clone feature is not supported for drive 'scsi0'");
            }
            if (target != null && !ProxmoxCluster.STORAGES.get(source.storage).shared()) {
                throw ApiError.server("can't clone VM to node '" + target + "' (VM uses local storage)");
            }
            SimVm taken = cluster.vms.get(newId);
            if (taken != null && taken.node.equals(node)) {
                throw ApiError.server("unable to create VM " + newId + ": config file already exists");
            }
            Map<String, String> work = new HashMap<>();
            work.put("newid", String.valueOf(newId));
            work.put("full", full ? "1" : "0");
            work.put("name", name != null ? name : "Copy-of-VM-" + source.name);
            if (target != null) {
                work.put("target", target);
            }
            if (params.get("description") != null) {
                work.put("description", params.get("description"));
            }
            if (taken == null) {
                SimVm clone = new SimVm(newId, node, null, false, source.maxmem, source.storage,
                        full ? null : sourceId);
                clone.lock = "clone";
                cluster.vms.put(newId, clone);
            } else {
                // the id is taken on another node: the local check passes, pmxcfs refuses the config at the end
                work.put("conflict", taken.node);
            }
            return workers.fork(node, "qmclone", sourceId, user, work);
        }
    }

    /**
      * Migrate to another node, as an admin does to rebalance the cluster: offline for a VM that does not run, or
      * online ({@code online=1}: it runs on) for one that does. The task runs on the source node; the config moves
      * to the target when it ends, and from then on the VM exists only there. The API's checks come in
      * {@code migrate_vm}'s order: the target (a parameter error if it is this node), the VM's config, its lock,
      * then whether it runs. Takes no time, and checks no storage, in the simulator.
      */
    String migrate(String node, int vmid, Map<String, String> params, String user) {
        synchronized (cluster) {
            String target = params.get("target");
            if (target == null || target.isBlank()) {
                throw ApiError.param("target", "property is missing and it is not optional");
            }
            if (target.equals(node)) {
                throw ApiError.param("target", "target is local node.");
            }
            if (!cluster.nodes.containsKey(target)) {
                throw ApiError.server("no such cluster node '" + target + "'");
            }
            SimVm vm = cluster.requireVm(node, vmid);
            checkLock(vm);
            if (vm.running() && !ProxmoxParams.bool(params, "online", false)) {
                throw ApiError.server("can't migrate running VM without --online");
            }
            return workers.fork(node, "qmigrate", vmid, user, Map.of("target", target));
        }
    }

    /** Start (and, for a hibernated VM, resume from its saved state): every check is in the worker. */
    String start(String node, int vmid, String user) {
        synchronized (cluster) {
            cluster.requireNode(node);
            return workers.fork(node, "qmstart", vmid, user, Map.of());
        }
    }

    /**
      * Stop or shutdown: a VM that does not run (hibernated included) is left as it is, and the task ends OK. A
      * shutdown with {@code forceStop} stops the VM if the guest has not shut down in time (and a paused one at
      * once), so it does not fail for a guest that ignores ACPI; the simulated guests never do.
      */
    String stop(String node, int vmid, String user, boolean shutdown, boolean forceStop) {
        synchronized (cluster) {
            cluster.requireNode(node);
            SimVm vm = cluster.vms.get(vmid);
            if (shutdown && !forceStop && vm != null && vm.node.equals(node) && "paused".equals(vm.qmpstatus)) {
                throw ApiError.server("VM is paused - cannot shutdown");
            }
            Map<String, String> params = forceStop ? Map.of("forceStop", "1") : Map.of();
            return workers.fork(node, shutdown ? "qmshutdown" : "qmstop", vmid, user, params);
        }
    }

    String suspend(String node, int vmid, boolean toDisk, String user) {
        synchronized (cluster) {
            SimVm vm = cluster.requireVm(node, vmid);
            if (!vm.running()) {
                throw ApiError.server("VM " + vmid + " not running");
            }
            return workers.fork(node, toDisk ? "qmsuspend" : "qmpause", vmid, user,
                    Map.of("todisk", toDisk ? "1" : "0"));
        }
    }

    /** Resume: a hibernated VM is started from its saved state; a stopped one that is not hibernated is refused. */
    String resume(String node, int vmid, String user) {
        synchronized (cluster) {
            SimVm vm = cluster.requireVmRunningCheck(node, vmid);
            if (!vm.hibernated() && !vm.running()) {
                throw ApiError.server("VM " + vmid + " not running");
            }
            return workers.fork(node, "qmresume", vmid, user, Map.of());
        }
    }

    /** Destroy: refused at once for a running VM; a hibernated one may be destroyed (its saved state goes too). */
    String delete(String node, int vmid, String user) {
        synchronized (cluster) {
            SimVm vm = cluster.requireVm(node, vmid);
            if (vm.running()) {
                throw ApiError.server("VM " + vmid + " is running - destroy failed");
            }
            return workers.fork(node, "qmdestroy", vmid, user, Map.of());
        }
    }

    /**
      * A config change ({@code name}, {@code description}, {@code delete=vmstate}): locked and checked in the API
      * process, so a held flock or a config lock answers as an HTTP 500, not in a task. {@code delete=vmstate} is
      * the one change a hibernated VM takes: it discards the saved state, and the lock with it.
      */
    void updateConfig(String node, int vmid, Map<String, String> params) {
        synchronized (cluster) {
            SimVm vm = cluster.requireVm(node, vmid);
            String name = ProxmoxParams.dnsName(params, "name");
            List<String> delete = List.of(params.getOrDefault("delete", "").split("[,;\\s]+")).stream()
                    .filter(k -> !k.isEmpty()).toList();
            if (name == null && !params.containsKey("description") && delete.isEmpty()) {
                throw ApiError.server("no options specified");
            }
            if (!vm.flockFree(false) || cluster.roll(cluster.faults().lockTimeout())) {
                throw ApiError.lockTimeout(vmid);
            }
            boolean onlyState = delete.equals(List.of("vmstate")) && name == null && !params.containsKey("description");
            if (!(onlyState && vm.hibernated())) {
                checkLock(vm);
            }
            if (delete.contains("vmstate")) {
                vm.vmstate = null;
                if (vm.hibernated()) {
                    vm.lock = null;
                }
            }
            if (name != null) {
                vm.name = name;
            }
            if (params.containsKey("description")) {
                vm.description = params.get("description");
            }
            workers.changed();
        }
    }

    private void checkLock(SimVm vm) {
        if (vm.lock != null) {
            throw ApiError.server("VM is locked (" + vm.lock + ")");
        }
    }

    // The workers.

    /** The flock is a file on the task's node: a VM whose config is elsewhere is not locked (the worker fails). */
    @Override
    public List<Flock> flocks(SimTask task) {
        SimVm vm = cluster.vms.get(task.vmid());
        if (vm == null || !vm.node.equals(task.node)) {
            return List.of();
        }
        if (!task.type.equals("qmclone")) {
            return List.of(new Flock(vm, false));
        }
        // the source shared (exclusive while it runs), then the new VM
        SimVm clone = cluster.vms.get(Integer.parseInt(task.params.get("newid")));
        Flock source = new Flock(vm, !vm.running());
        return clone == null || task.params.containsKey("conflict") ? List.of(source)
                : List.of(source, new Flock(clone, false));
    }

    @Override
    public Duration latency(SimTask task) {
        Latencies l = cluster.latencies();
        return switch (task.type) {
            case "qmclone" -> "1".equals(task.params.get("full")) ? l.fullClone() : l.linkedClone();
            case "qmstart" -> l.start();
            case "qmstop", "qmshutdown" -> l.stop();
            case "qmsuspend", "qmpause" -> l.suspend();
            case "qmresume" -> l.resume();
            case "qmdestroy" -> l.delete();
            default -> Duration.ZERO;
        };
    }

    @Override
    public Duration lockWait(SimTask task) {
        Duration wait = cluster.lockWait();
        return task.type.equals("qmclone") ? wait.dividedBy(10) : wait;
    }

    @Override
    public void complete(SimTask task) {
        switch (task.type) {
            case "qmclone" -> finishClone(task);
            case "qmstart", "qmresume" -> startOrResume(task);
            case "qmstop", "qmshutdown" -> stopWorker(task);
            case "qmsuspend", "qmpause" -> suspendWorker(task);
            case "qmdestroy" -> destroyWorker(task);
            case "qmigrate" -> migrateWorker(task);
            case "qmconfig" -> { }
            default -> throw new IllegalStateException("unknown task type " + task.type);
        }
    }

    private void finishClone(SimTask task) {
        SimVm clone = cluster.vms.get(Integer.parseInt(task.params.get("newid")));
        if (task.params.containsKey("conflict")) {
            throw new IllegalStateException("close (rename) atomic file '/etc/pve/nodes/" + task.params.get("conflict")
                    + "/qemu-server/" + task.params.get("newid") + ".conf' failed: File exists");
        }
        clone.name = task.params.get("name");
        clone.description = task.params.get("description");
        clone.lock = null;
        if (task.params.containsKey("target")) {
            clone.node = task.params.get("target");
        }
    }

    private void startOrResume(SimTask task) {
        SimVm vm = load(task);
        if (vm.template) {
            throw new IllegalStateException("you can't start a vm if it's a template");
        }
        if (task.type.equals("qmresume") && vm.running()) {
            if (vm.lock != null) {
                throw new IllegalStateException("VM is locked (" + vm.lock + ")");
            }
            vm.qmpstatus = "running";
            return;
        }
        if (vm.lock != null && !vm.hibernated()) {
            throw new IllegalStateException("VM is locked (" + vm.lock + ")");
        }
        if (vm.running()) {
            throw new IllegalStateException("VM " + vm.vmid + " already running");
        }
        long now = cluster.nowNanos();
        // The saved RAM holds a booted guest: its agent answers as soon as it runs.
        long boot = vm.hibernated() || vm.vmstate != null ? 0 : cluster.latencies().boot().toNanos();
        vm.lock = null;
        vm.vmstate = null;
        vm.powerOn(now, boot);
    }

    private void stopWorker(SimTask task) {
        SimVm vm = cluster.vms.get(task.vmid());
        if (vm == null || !vm.node.equals(task.node)) {
            throw new IllegalStateException("unable to find configuration file for VM " + task.vmid() + " on node '"
                    + task.node + "'");
        }
        if (!vm.running()) {
            return;
        }
        if (vm.lock != null) {
            throw new IllegalStateException("VM is locked (" + vm.lock + ")");
        }
        vm.powerOff();
    }

    private void suspendWorker(SimTask task) {
        SimVm vm = load(task);
        if (vm.lock != null) {
            throw new IllegalStateException("VM is locked (" + vm.lock + ")");
        }
        if (!vm.running()) {
            throw new IllegalStateException("VM " + vm.vmid + " not running");
        }
        if ("1".equals(task.params.get("todisk"))) {
            vm.powerOff();
            vm.lock = "suspended";
            vm.vmstate = "ceph-vm:vm-" + vm.vmid + "-state-suspend-2026-01-01";
        } else {
            vm.qmpstatus = "paused";
        }
    }

    private void migrateWorker(SimTask task) {
        SimVm vm = load(task);
        if (vm.lock != null) {
            throw new IllegalStateException("VM is locked (" + vm.lock + ")");
        }
        vm.node = task.params.get("target");
    }

    private void destroyWorker(SimTask task) {
        SimVm vm = load(task);
        if (vm.running()) {
            throw new IllegalStateException("VM " + vm.vmid + " is running - destroy failed");
        }
        if (vm.lock != null && !vm.hibernated()) {
            throw new IllegalStateException("VM is locked (" + vm.lock + ")");
        }
        boolean used = cluster.vms.values().stream().anyMatch(other -> Integer.valueOf(vm.vmid).equals(other.linkedFrom));
        if (vm.template && used) {
            throw new IllegalStateException("base volume '" + vm.storage + ":base-" + vm.vmid
                    + "-disk-0' is still in use by linked cloned");
        }
        cluster.vms.remove(vm.vmid, vm);
    }

    /** The worker's {@code load_config}: the VM must (still) be on the task's node. */
    private SimVm load(SimTask task) {
        SimVm vm = cluster.vms.get(task.vmid());
        if (vm == null || !vm.node.equals(task.node)) {
            throw new IllegalStateException("Configuration file 'nodes/" + task.node + "/qemu-server/" + task.vmid()
                    + ".conf' does not exist");
        }
        return vm;
    }

    @Override
    public String fail(SimTask task) {
        int vmid = task.vmid();
        return switch (task.type) {
            case "qmclone" -> {
                abandon(task);
                yield "clone failed: rbd create 'vm-" + task.params.get("newid") + "-disk-0' error: rbd: "
                        + "create error: (17) File exists";
            }
            case "qmstart", "qmresume" -> "start failed: QEMU exited with code 1";
            case "qmstop" -> "VM quit/powerdown failed";
            case "qmshutdown" -> task.params.containsKey("forceStop") ? "VM quit/powerdown failed"
                    : "VM quit/powerdown failed - got timeout";
            case "qmsuspend", "qmpause" -> {
                // PVE leaves the lock on purpose when saving the state fails: the VM runs on, locked.
                SimVm vm = cluster.vms.get(vmid);
                if (vm != null && "1".equals(task.params.get("todisk"))) {
                    vm.lock = "suspending";
                }
                yield "VM " + vmid + " qmp command 'savevm-start' failed - unable to save state";
            }
            case "qmdestroy" -> "can't remove VM " + vmid + " - lvremove 'pve/vm-" + vmid + "-disk-0' error";
            default -> "task failed";
        };
    }

    /** A clone that never got its flocks, or failed, leaves nothing: its temporary config is removed. */
    @Override
    public void abandon(SimTask task) {
        if (task.type.equals("qmclone") && !task.params.containsKey("conflict")) {
            int newId = Integer.parseInt(task.params.get("newid"));
            SimVm clone = cluster.vms.get(newId);
            if (clone != null && "clone".equals(clone.lock)) {
                cluster.vms.remove(newId);
            }
        }
    }
}

package io.vigil.simulators.proxmox;

import java.util.Map;

import io.vigil.simulators.proxmox.ProxmoxCluster.TaskWork;
import io.vigil.simulators.proxmox.ProxmoxSimConfig.Latencies;

/**
  * The actions that answer a UPID at once and take effect when their task ends, with the checks
  * PVE makes before forking the worker (HTTP errors) and inside it (task exit status).
  */
final class VmActions {

    private final ProxmoxCluster cluster;

    VmActions(ProxmoxCluster cluster) {
        this.cluster = cluster;
    }

    String clone(String node, int sourceId, Map<String, String> params, String user) {
        synchronized (cluster) {
            int newId = ProxmoxParams.requiredVmid(params, "newid");
            String name = ProxmoxParams.dnsName(params, "name");
            String target = params.getOrDefault("target", node);
            cluster.requireNode(node);
            if (!cluster.nodes.containsKey(target)) {
                throw ApiError.param("target", "no such cluster node '" + target + "'");
            }
            SimVm source = cluster.requireVm(node, sourceId);
            boolean full = ProxmoxParams.bool(params, "full", !source.template);
            if (!full && !source.template) {
                throw ApiError.server("Linked clone feature is not supported for drive 'scsi0'");
            }
            SimVm taken = cluster.vms.get(newId);
            if (taken != null) {
                throw ApiError.server("unable to create VM " + newId + " - VM " + newId
                        + " already exists on node '" + taken.node + "'");
            }
            if (source.busyWith != null) {
                throw ApiError.lockTimeout(sourceId);
            }
            SimVm clone = new SimVm(newId, target, name != null ? name : "Copy-of-VM-" + source.name,
                    false, source.maxmem, full ? null : sourceId);
            clone.description = params.get("description");
            clone.lock = "clone";
            cluster.vms.put(newId, clone);
            Latencies latencies = cluster.latencies();
            // A full clone copies the disks while holding the source's lock; a linked one does not.
            return cluster.runTask(node, "qmclone", sourceId, user,
                    full ? latencies.fullClone() : latencies.linkedClone(), full ? source : null,
                    new TaskWork() {
                        @Override
                        public String succeed() {
                            clone.lock = null;
                            return "OK";
                        }

                        @Override
                        public String fail() {
                            cluster.vms.remove(newId, clone);
                            return "clone failed: unable to create image: got lock timeout - aborting command";
                        }
                    });
        }
    }

    String start(String node, int vmid, String user) {
        synchronized (cluster) {
            SimVm vm = lockable(node, vmid);
            if (vm.template) {
                throw ApiError.server("you can't start a vm if it's a template");
            }
            return cluster.runTask(node, "qmstart", vmid, user, cluster.latencies().start(), vm,
                    work(() -> {
                        if (vm.running()) {
                            throw new IllegalStateException("VM " + vmid + " already running");
                        }
                        powerOn(vm);
                    }, "start failed: QEMU exited with code 1"));
        }
    }

    String stop(String node, int vmid, String user, boolean shutdown) {
        synchronized (cluster) {
            SimVm vm = lockable(node, vmid);
            if (shutdown && "paused".equals(vm.qmpstatus)) {
                throw ApiError.server("VM is paused - cannot shutdown");
            }
            String type = shutdown ? "qmshutdown" : "qmstop";
            return cluster.runTask(node, type, vmid, user, cluster.latencies().stop(), vm,
                    work(() -> {
                        if (vm.hibernated()) {
                            throw new IllegalStateException("VM is locked (suspended)");
                        }
                        vm.powerOff();
                    }, shutdown ? "VM quit/powerdown failed - got timeout" : "VM quit/powerdown failed"));
        }
    }

    String suspend(String node, int vmid, boolean toDisk, String user) {
        synchronized (cluster) {
            SimVm vm = lockable(node, vmid);
            if (!vm.running()) {
                throw ApiError.server("VM " + vmid + " not running");
            }
            return cluster.runTask(node, "qmsuspend", vmid, user, cluster.latencies().suspend(), vm,
                    work(() -> {
                        if (toDisk) {
                            vm.powerOff();
                            vm.lock = "suspended";
                        } else {
                            vm.qmpstatus = "paused";
                        }
                    }, "VM " + vmid + " qmp command 'savevm-start' failed - unable to save state"));
        }
    }

    String resume(String node, int vmid, String user) {
        synchronized (cluster) {
            SimVm vm = lockable(node, vmid);
            if (!vm.hibernated() && !vm.running()) {
                throw ApiError.server("VM " + vmid + " not running");
            }
            return cluster.runTask(node, "qmresume", vmid, user, cluster.latencies().resume(), vm,
                    work(() -> {
                        if (vm.hibernated()) {
                            // The saved RAM holds a booted guest: its agent answers as soon as it runs.
                            vm.lock = null;
                            vm.powerOn(cluster.nowNanos(), cluster.nowNanos());
                        } else {
                            vm.qmpstatus = "running";
                        }
                    }, "resume failed: VM " + vmid + " qmp command 'cont' failed - got timeout"));
        }
    }

    String delete(String node, int vmid, String user) {
        synchronized (cluster) {
            SimVm vm = lockable(node, vmid);
            if (vm.running()) {
                throw ApiError.server("VM " + vmid + " is running - destroy failed");
            }
            return cluster.runTask(node, "qmdestroy", vmid, user, cluster.latencies().delete(), vm,
                    work(() -> {
                        boolean used = cluster.vms.values().stream()
                                .anyMatch(other -> Integer.valueOf(vmid).equals(other.linkedFrom));
                        if (vm.template && used) {
                            throw new IllegalStateException("base volume 'local-lvm:base-" + vmid
                                    + "-disk-0' is still in use by linked cloned");
                        }
                        cluster.vms.remove(vmid, vm);
                    }, "can't remove VM " + vmid + " - lvremove 'pve/vm-" + vmid + "-disk-0' error"));
        }
    }

    /** A VM some action may work on; one held by a running task cannot be locked (PVE waits 10 s). */
    private SimVm lockable(String node, int vmid) {
        SimVm vm = cluster.requireVm(node, vmid);
        if (vm.busyWith != null) {
            throw ApiError.lockTimeout(vmid);
        }
        if (vm.lock != null && !vm.hibernated()) {
            throw ApiError.server("VM is locked (" + vm.lock + ")");
        }
        return vm;
    }

    private void powerOn(SimVm vm) {
        long now = cluster.nowNanos();
        long boot = vm.hibernated() ? 0 : cluster.latencies().boot().toNanos();
        vm.lock = null;
        vm.powerOn(now, now + boot);
    }

    /** Success runs the change (an exception's message becomes the exit status). */
    private static TaskWork work(Runnable change, String failure) {
        return new TaskWork() {
            @Override
            public String succeed() {
                change.run();
                return "OK";
            }

            @Override
            public String fail() {
                return failure;
            }
        };
    }
}

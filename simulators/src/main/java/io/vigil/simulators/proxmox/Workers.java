package io.vigil.simulators.proxmox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.node.ObjectNode;

/**
  * The cluster's worker tasks, as PVE's {@code fork_worker} runs them: the API answers the UPID at once; the worker
  * then takes its VMs' flocks (waiting up to a lock wait, else it ends "can't lock file ... got timeout"), works
  * for its latency, and ends with an exit status ({@code OK}, {@code WARNINGS: 1} or an error text). All state is
  * guarded by the {@link ProxmoxCluster} monitor.
  */
final class Workers {

    private static final int MAX_TASKS = 10_000;

    /** What each task type does; {@link VmActions} implements it. */
    interface Work {

        /** The flocks the worker needs, in the order it takes them. */
        List<Flock> flocks(SimTask task);

        Duration latency(SimTask task);

        /** How long it waits for a flock (clones 1 s in PVE, everything else 10 s). */
        Duration lockWait(SimTask task);

        /** The work, with its flocks held; an exception's message becomes the exit status. */
        void complete(SimTask task);

        /** An injected failure: undo what the fork did and describe the failure. */
        String fail(SimTask task);

        /** The worker never got its flock: undo what the fork did. */
        void abandon(SimTask task);
    }

    record Flock(SimVm vm, boolean shared) {
    }

    private final ProxmoxCluster cluster;
    private final ScheduledExecutorService timer;
    private final Map<String, SimTask> tasks = new LinkedHashMap<>();
    private final long pstart;
    private long nextPid;
    private Work work;
    private Runnable changed = () -> { };

    Workers(ProxmoxCluster cluster, ScheduledExecutorService timer, long seed) {
        this.cluster = cluster;
        this.timer = timer;
        this.pstart = 0x100000 + (seed & 0xFFFFF);
        this.nextPid = 0x1000 + (seed & 0xFFFF);
    }

    void work(Work value) {
        work = value;
    }

    /** Called under the monitor after every change of the cluster's state (the local run saves it then). */
    void onChange(Runnable value) {
        changed = value;
    }

    void changed() {
        changed.run();
    }

    /**
      * Forks a worker on {@code node}; answers its UPID. The fault rolls happen now, so a test with rate 1.0 sees
      * every task fail.
      */
    String fork(String node, String type, int id, String user, Map<String, String> params) {
        synchronized (cluster) {
            long start = ProxmoxCluster.epochSeconds();
            String upid = SimTask.upid(node, nextPid++, pstart, start, type, String.valueOf(id), user);
            SimTask task = new SimTask(upid, node, type, String.valueOf(id), user, start, params,
                    cluster.roll(cluster.faults().taskFailure()), cluster.roll(cluster.faults().taskWarnings()));
            tasks.put(upid, task);
            trim();
            if (cluster.roll(cluster.faults().lockTimeout())) {
                // Someone else (a backup, an admin's shell) holds the flock for longer than the worker waits.
                after(work.lockWait(task), () -> lockTimedOut(task, task.vmid()));
            } else {
                tryStart(task);
            }
            changed();
            return upid;
        }
    }

    private void tryStart(SimTask task) {
        List<Flock> needed = work.flocks(task);
        for (Flock f : needed) {
            if (!f.vm().flockFree(f.shared())) {
                f.vm().waiters.add(task);
                int waitedFor = f.vm().vmid;
                after(work.lockWait(task), () -> lockTimedOut(task, waitedFor));
                return;
            }
        }
        for (Flock f : needed) {
            if (f.shared()) {
                f.vm().sharedHolders.add(task.upid);
            } else {
                f.vm().flockHolder = task.upid;
            }
        }
        task.started = true;
        after(work.latency(task), () -> finish(task));
    }

    private void after(Duration delay, Runnable action) {
        if (delay.isZero()) {
            action.run();
        } else {
            timer.schedule(() -> {
                synchronized (cluster) {
                    action.run();
                }
            }, delay.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void finish(SimTask task) {
        if (!task.running()) {
            return;
        }
        String exit;
        try {
            if (task.failing) {
                exit = work.fail(task);
            } else {
                work.complete(task);
                exit = task.warning ? "WARNINGS: 1" : "OK";
            }
        } catch (RuntimeException e) {
            exit = e.getMessage();
        }
        task.finish(exit, ProxmoxCluster.epochSeconds());
        release(task);
        changed();
    }

    private void lockTimedOut(SimTask task, int vmid) {
        if (task.started || !task.running()) {
            return;
        }
        cluster.vms.values().forEach(vm -> vm.waiters.remove(task));
        work.abandon(task);
        task.finish("can't lock file '/var/lock/qemu-server/lock-" + vmid + ".conf' - got timeout",
                ProxmoxCluster.epochSeconds());
        changed();
    }

    /** Frees the task's flocks and lets the first waiter of each freed VM try again. */
    private void release(SimTask task) {
        List<SimTask> woken = new ArrayList<>();
        for (SimVm vm : cluster.vms.values()) {
            boolean held = task.upid.equals(vm.flockHolder) | vm.sharedHolders.remove(task.upid);
            if (task.upid.equals(vm.flockHolder)) {
                vm.flockHolder = null;
            }
            if (held && !vm.waiters.isEmpty()) {
                woken.add(vm.waiters.poll());
            }
        }
        woken.stream().filter(SimTask::running).forEach(this::tryStart);
    }

    /** Tasks that were running when the simulator stopped finish now: the cluster kept working meanwhile. */
    void finishInterrupted() {
        synchronized (cluster) {
            tasks.values().stream().filter(SimTask::running).toList().forEach(t -> {
                t.started = true;
                finish(t);
            });
        }
    }

    ObjectNode status(String node, String upid) {
        synchronized (cluster) {
            cluster.requireNode(node);
            if (!upid.startsWith("UPID:") || upid.split(":").length < 8) {
                throw ApiError.param("upid", "unable to parse worker upid");
            }
            SimTask task = tasks.get(upid);
            if (task == null || !task.node.equals(node)) {
                // the task log is a file on the node that ran the task
                throw ApiError.param("upid", "no such task");
            }
            return task.toJson();
        }
    }

    List<TaskSnapshot> snapshot() {
        synchronized (cluster) {
            return tasks.values().stream()
                    .map(t -> new TaskSnapshot(t.node, t.upid, t.type, t.id, t.exitstatus)).toList();
        }
    }

    Collection<SimTask> all() {
        return tasks.values();
    }

    void restore(List<SimTask> saved, long pid) {
        saved.forEach(t -> tasks.put(t.upid, t));
        nextPid = Math.max(nextPid, pid);
    }

    long nextPid() {
        return nextPid;
    }

    private void trim() {
        Iterator<SimTask> it = tasks.values().iterator();
        while (tasks.size() > MAX_TASKS && it.hasNext()) {
            if (!it.next().running()) {
                it.remove();
            }
        }
    }
}

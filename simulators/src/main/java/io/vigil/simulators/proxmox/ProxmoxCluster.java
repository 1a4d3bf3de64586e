package io.vigil.simulators.proxmox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.vigil.simulators.http.Json;
import io.vigil.simulators.proxmox.ProxmoxSimConfig.Faults;
import io.vigil.simulators.proxmox.ProxmoxSimConfig.Latencies;
import io.vigil.simulators.proxmox.ProxmoxSimConfig.NodeSpec;
import io.vigil.simulators.proxmox.ProxmoxSimConfig.TemplateSpec;

/**
  * The simulated cluster's state. One monitor (this object) guards all of it: the simulator serves
  * test traffic, where simple and obviously race-free beats fine-grained locking.
  */
final class ProxmoxCluster {

    private static final int MAX_TASKS = 10_000;

    final Map<String, NodeSpec> nodes = new LinkedHashMap<>();
    final Map<Integer, SimVm> vms = new TreeMap<>();
    private final Map<String, SimTask> tasks = new LinkedHashMap<>();
    private final Set<String> unreachable = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer;
    private final Random random;
    private final long startNanos = System.nanoTime();
    private final long pstart;
    private long nextPid;
    private volatile Latencies latencies;
    private volatile Faults faults;

    ProxmoxCluster(ProxmoxSimConfig config, ScheduledExecutorService timer) {
        this.timer = timer;
        this.random = new Random(config.seed());
        this.latencies = config.latencies();
        this.faults = config.faults();
        this.pstart = 0x100000 + random.nextInt(0xFFFFF);
        this.nextPid = 0x1000 + random.nextInt(0xFFFF);
        config.nodes().forEach(n -> nodes.put(n.name(), n));
        String home = config.nodes().get(0).name();
        for (TemplateSpec t : config.templates()) {
            vms.put(t.vmid(), new SimVm(t.vmid(), home, t.name(), true, t.memoryMb() * 1024L * 1024,
                    null));
        }
    }

    Latencies latencies() {
        return latencies;
    }

    void latencies(Latencies value) {
        latencies = value;
    }

    Faults faults() {
        return faults;
    }

    void faults(Faults value) {
        faults = value;
    }

    void unreachable(String node, boolean value) {
        if (value) {
            unreachable.add(node);
        } else {
            unreachable.remove(node);
        }
    }

    boolean unreachable(String node) {
        return unreachable.contains(node);
    }

    Set<String> unreachableNodes() {
        return Set.copyOf(unreachable);
    }

    /** Draws from the seeded source; java.util.Random is itself thread-safe. */
    boolean roll(double rate) {
        return rate > 0 && random.nextDouble() < rate;
    }

    long nowNanos() {
        return System.nanoTime();
    }

    static long epochSeconds() {
        return System.currentTimeMillis() / 1000;
    }

    long nodeUptimeSeconds() {
        // Pretend the nodes booted three days before the simulator did.
        return 3 * 86_400 + (nowNanos() - startNanos) / 1_000_000_000L;
    }

    void requireNode(String node) {
        if (!nodes.containsKey(node)) {
            throw ApiError.param("node", "no such cluster node '" + node + "'");
        }
    }

    /** Templates are addressable from every node (shared storage); other VMs only on their own. */
    synchronized SimVm requireVm(String node, int vmid) {
        requireNode(node);
        SimVm vm = vms.get(vmid);
        if (vm == null || (!vm.template && !vm.node.equals(node))) {
            throw ApiError.vmMissing(node, vmid);
        }
        return vm;
    }

    synchronized List<VmSnapshot> snapshot() {
        return vms.values().stream().map(SimVm::snapshot).toList();
    }

    synchronized List<TaskSnapshot> taskSnapshot() {
        return tasks.values().stream().map(t -> new TaskSnapshot(t.node, t.upid, t.type, t.id, t.exitstatus)).toList();
    }

    synchronized ObjectNode taskStatus(String node, String upid) {
        requireNode(node);
        if (!upid.startsWith("UPID:") || upid.split(":").length < 8) {
            throw ApiError.param("upid", "unable to parse worker upid '" + upid + "'");
        }
        SimTask task = tasks.get(upid);
        if (task == null || !task.node.equals(node)) {
            throw ApiError.server("no such task");
        }
        return task.toJson();
    }

    /** What a task does when it ends; each returns the exit status. */
    interface TaskWork {

        String succeed();

        /** Undo what a failed task would leave behind and describe the failure. */
        String fail();
    }

    /**
      * Starts a worker task that holds {@code locked}'s config lock until it ends. The fault roll
      * happens now so that a test with rate 1.0 sees every task fail.
      */
    synchronized String runTask(String node, String type, int id, String user, Duration latency,
                                                            SimVm locked, TaskWork work) {
        long start = epochSeconds();
        String upid = SimTask.upid(node, nextPid++, pstart, start, type, String.valueOf(id), user);
        SimTask task = new SimTask(upid, node, type, String.valueOf(id), user, start);
        tasks.put(upid, task);
        trimTasks();
        if (locked != null) {
            locked.busyWith = upid;
        }
        boolean failing = roll(faults.taskFailure());
        Runnable finish = () -> finish(task, locked, failing, work);
        if (latency.isZero()) {
            finish.run();
        } else {
            timer.schedule(finish, latency.toNanos(), TimeUnit.NANOSECONDS);
        }
        return upid;
    }

    private synchronized void finish(SimTask task, SimVm locked, boolean failing, TaskWork work) {
        if (locked != null && task.upid.equals(locked.busyWith)) {
            locked.busyWith = null;
        }
        String exit;
        try {
            exit = failing ? work.fail() : work.succeed();
        } catch (RuntimeException e) {
            exit = e.getMessage();
        }
        task.finish(exit, epochSeconds());
    }

    private void trimTasks() {
        Iterator<SimTask> it = tasks.values().iterator();
        while (tasks.size() > MAX_TASKS && it.hasNext()) {
            if (!it.next().running()) {
                it.remove();
            }
        }
    }

    synchronized ArrayNode nodeList() {
        ArrayNode list = Json.array();
        for (NodeSpec n : nodes.values()) {
            ObjectNode json = list.addObject().put("node", n.name()).put("type", "node")
                    .put("id", "node/" + n.name()).put("level", "");
            if (unreachable(n.name())) {
                json.put("status", "offline");
                continue;
            }
            json.put("status", "online").put("cpu", cpuFraction(n)).put("maxcpu", n.cpus())
                    .put("mem", memUsed(n.name())).put("maxmem", n.memoryBytes())
                    .put("disk", 8L << 30).put("maxdisk", 100L << 30).put("uptime", nodeUptimeSeconds());
        }
        return list;
    }

    synchronized ObjectNode nodeStatus(String node) {
        requireNode(node);
        NodeSpec n = nodes.get(node);
        long used = memUsed(node);
        double cpu = cpuFraction(n);
        String load = String.format("%.2f", cpu * n.cpus());
        ObjectNode json = Json.object().put("cpu", cpu).put("uptime", nodeUptimeSeconds())
                .put("wait", 0.0).put("kversion", "Linux 6.8.12-4-pve #1 SMP PREEMPT_DYNAMIC")
                .put("pveversion", "pve-manager/8.3.0/c1689ccb1065a83b");
        json.putObject("memory").put("total", n.memoryBytes()).put("used", used)
                .put("free", n.memoryBytes() - used);
        json.putArray("loadavg").add(load).add(load).add(load);
        json.putObject("cpuinfo").put("cpus", n.cpus()).put("cores", n.cpus() / 2)
                .put("sockets", 2).put("model", "Simulated CPU @ 3.00GHz").put("mhz", "3000.000");
        return json;
    }

    /** Every powered VM holds its whole memory; each uses half a core. */
    private long memUsed(String node) {
        return vms.values().stream().filter(vm -> vm.node.equals(node) && vm.running())
                .mapToLong(vm -> vm.maxmem).sum();
    }

    private double cpuFraction(NodeSpec n) {
        long running = vms.values().stream()
                .filter(vm -> vm.node.equals(n.name()) && vm.running() && !"paused".equals(vm.qmpstatus))
                .count();
        return Math.min(1.0, running * 0.5 / n.cpus());
    }

    synchronized String nextId(String requested) {
        if (requested != null) {
            int vmid = ProxmoxParams.vmid("vmid", requested);
            if (vms.containsKey(vmid)) {
                throw ApiError.param("vmid", "VM " + vmid + " already exists");
            }
            return String.valueOf(vmid);
        }
        int id = 100;
        while (vms.containsKey(id)) {
            id++;
        }
        return String.valueOf(id);
    }

    synchronized ArrayNode listVms(String node) {
        requireNode(node);
        ArrayNode list = Json.array();
        long now = nowNanos();
        for (SimVm vm : vms.values()) {
            if (!vm.node.equals(node)) {
                continue;
            }
            ObjectNode json = list.addObject().put("vmid", vm.vmid).put("name", vm.name)
                    .put("status", vm.status).put("mem", vm.running() ? vm.maxmem : 0)
                    .put("maxmem", vm.maxmem).put("cpus", 2).put("uptime", vm.uptimeSeconds(now))
                    .put("cpu", vm.running() ? 0.02 : 0.0);
            if (vm.template) {
                json.put("template", 1);
            }
            if (vm.lock != null) {
                json.put("lock", vm.lock);
            }
        }
        return list;
    }

    synchronized ObjectNode vmStatus(String node, int vmid) {
        SimVm vm = requireVm(node, vmid);
        ObjectNode json = Json.object().put("vmid", vm.vmid).put("name", vm.name)
                .put("status", vm.status).put("qmpstatus", vm.qmpstatus)
                .put("cpu", vm.running() && !"paused".equals(vm.qmpstatus) ? 0.02 : 0.0)
                .put("cpus", 2).put("mem", vm.running() ? vm.maxmem : 0).put("maxmem", vm.maxmem)
                .put("uptime", vm.uptimeSeconds(nowNanos()));
        json.putObject("ha").put("managed", 0);
        if (vm.template) {
            json.put("template", 1);
        }
        if (vm.lock != null) {
            json.put("lock", vm.lock);
        }
        if (vm.running()) {
            json.put("agent", 1);
        }
        return json;
    }

    synchronized ObjectNode agentInterfaces(String node, int vmid, String guestAddress) {
        SimVm vm = requireVm(node, vmid);
        if (!vm.running()) {
            throw ApiError.server("VM " + vmid + " is not running");
        }
        if (!"running".equals(vm.qmpstatus) || nowNanos() < vm.agentReadyAtNanos) {
            throw ApiError.server("QEMU guest agent is not running");
        }
        return GuestAgent.networkInterfaces(vmid, guestAddress);
    }

    List<String> nodeNames() {
        return new ArrayList<>(nodes.keySet());
    }
}

package io.vigil.simulators.proxmox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.vigil.simulators.http.Json;
import io.vigil.simulators.proxmox.ProxmoxSimConfig.Faults;
import io.vigil.simulators.proxmox.ProxmoxSimConfig.Latencies;
import io.vigil.simulators.proxmox.ProxmoxSimConfig.NodeSpec;
import io.vigil.simulators.proxmox.ProxmoxSimConfig.TemplateSpec;

/**
  * The simulated cluster's VMs, nodes and storages, and the read-only API views of them. One monitor (this object)
  * guards all state, the {@link Workers}' included: the simulator serves test traffic, where simple and obviously
  * race-free beats fine-grained locking.
  */
final class ProxmoxCluster {

    /** The storages every node has: two local ones and one shared (Ceph RBD, shared by its type). */
    static final Map<String, Storage> STORAGES = Map.of(
            "local", new Storage("local", "dir", false, "iso,vztmpl,backup"),
            "local-lvm", new Storage("local-lvm", "lvmthin", false, "images,rootdir"),
            "ceph-vm", new Storage("ceph-vm", "rbd", true, "images,rootdir"));

    record Storage(String id, String type, boolean shared, String content) {
    }

    final Map<String, NodeSpec> nodes = new LinkedHashMap<>();
    final Map<Integer, SimVm> vms = new TreeMap<>();
    private final Set<String> unreachable = ConcurrentHashMap.newKeySet();
    private final Random random;
    private final long startNanos = System.nanoTime();
    private volatile Latencies latencies;
    private volatile Faults faults;
    private volatile Duration lockWait;
    private volatile Duration statsInterval;
    private long lastStatsPassNanos;

    ProxmoxCluster(ProxmoxSimConfig config) {
        this.random = new Random(config.seed());
        this.latencies = config.latencies();
        this.faults = config.faults();
        this.lockWait = config.lockWait();
        this.statsInterval = config.statsInterval();
        config.nodes().forEach(n -> nodes.put(n.name(), n));
        String first = config.nodes().get(0).name();
        for (TemplateSpec t : config.templates()) {
            String home = t.node() == null ? first : t.node();
            if (!nodes.containsKey(home)) {
                throw new IllegalArgumentException("template " + t.vmid() + " on unknown node " + home);
            }
            vms.put(t.vmid(), new SimVm(t.vmid(), home, t.name(), true, t.memoryMb() * 1024L * 1024, t.storage(), null));
        }
        // pvestatd has been running on the nodes: the templates are in its statistics from the start
        statsPass(nowNanos());
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

    Duration lockWait() {
        return lockWait;
    }

    void lockWait(Duration value) {
        lockWait = value;
    }

    Duration statsInterval() {
        return statsInterval;
    }

    synchronized void statsInterval(Duration value) {
        statsInterval = value;
        statsPass(nowNanos());
    }

    /**
     * pvestatd's pass: every node reports its VMs' name, status and template flag, which the cluster listing shows
     * until the next pass. Passes are due every {@link #statsInterval}; they are run when the listing is asked for.
     * A node that is unreachable reports nothing: its VMs keep what the last pass saw.
     */
    synchronized void statsPassIfDue() {
        long now = nowNanos();
        long interval = statsInterval.toNanos();
        if (interval <= 0 || now - lastStatsPassNanos >= interval) {
            statsPass(interval <= 0 ? now : lastStatsPassNanos + (now - lastStatsPassNanos) / interval * interval);
        }
    }

    private void statsPass(long at) {
        lastStatsPassNanos = at;
        for (SimVm vm : vms.values()) {
            if (!unreachable(vm.node)) {
                String status = "paused".equals(vm.qmpstatus) ? "paused" : vm.status;
                vm.stats = new SimVm.Stats(shownName(vm), status, vm.template);
            }
        }
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

    /** A VM whose config is on {@code node}, as {@code load_config} finds it; every VM lives on one node only. */
    synchronized SimVm requireVm(String node, int vmid) {
        requireNode(node);
        SimVm vm = vms.get(vmid);
        if (vm == null || !vm.node.equals(node)) {
            throw ApiError.vmMissing(node, vmid);
        }
        return vm;
    }

    /** As {@link #requireVm}, with the message of {@code check_running} (clone, stop, resume look there first). */
    synchronized SimVm requireVmRunningCheck(String node, int vmid) {
        requireNode(node);
        SimVm vm = vms.get(vmid);
        if (vm == null || !vm.node.equals(node)) {
            throw ApiError.server("unable to find configuration file for VM " + vmid + " on node '" + node + "'");
        }
        return vm;
    }

    synchronized List<VmSnapshot> snapshot() {
        return vms.values().stream().map(SimVm::snapshot).toList();
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

    /** {@code ?vmid=N} answers 400 when N is taken anywhere in the cluster; reserves nothing either way. */
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
            ObjectNode json = list.addObject().put("vmid", vm.vmid)
                    .put("status", vm.status).put("mem", vm.running() ? vm.maxmem : 0)
                    .put("maxmem", vm.maxmem).put("cpus", 2).put("uptime", vm.uptimeSeconds(now))
                    .put("cpu", vm.running() ? 0.02 : 0.0);
            putConfigFacts(json, vm);
            json.put("name", shownName(vm));
        }
        return list;
    }

    /** qemu-server's vmstatus: the config's name, or {@code "VM <vmid>"} when it has none (a clone in progress). */
    private static String shownName(SimVm vm) {
        return vm.name != null ? vm.name : "VM " + vm.vmid;
    }

    /**
      * {@code GET /cluster/resources}: every VM of the cluster wherever its config lives now (a clone in progress
      * on the node that runs it), and the nodes and storages. As in Proxmox, which VMs exist, where, and their
      * {@code lock} are read now (the cluster file system), while name, status and the template flag come from
      * the last statistics pass ({@link #statsPassIfDue}): a VM made since has neither name nor template flag and
      * status {@code unknown}, a renamed VM shows its old name, a started one {@code stopped}, for up to one
      * interval. A VM on an unreachable node shows status {@code unknown}.
      */
    synchronized ArrayNode resources(String type) {
        statsPassIfDue();
        ArrayNode list = Json.array();
        if (type == null || type.equals("vm")) {
            long now = nowNanos();
            for (SimVm vm : vms.values()) {
                ObjectNode json = list.addObject().put("id", "qemu/" + vm.vmid).put("vmid", vm.vmid)
                        .put("node", vm.node).put("type", "qemu");
                if (unreachable(vm.node) || vm.stats == null) {
                    json.put("status", "unknown");
                } else {
                    json.put("status", vm.stats.status())
                            .put("name", vm.stats.name())
                            .put("template", vm.stats.template() ? 1 : 0).put("maxmem", vm.maxmem)
                            .put("mem", vm.running() ? vm.maxmem : 0).put("maxcpu", 2)
                            .put("cpu", vm.running() ? 0.02 : 0.0).put("uptime", vm.uptimeSeconds(now))
                            .put("maxdisk", 32L << 30).put("disk", 0);
                }
                if (vm.lock != null) {
                    json.put("lock", vm.lock);
                }
            }
        }
        if (type == null || type.equals("node")) {
            for (NodeSpec n : nodes.values()) {
                list.addObject().put("id", "node/" + n.name()).put("type", "node").put("node", n.name())
                        .put("status", unreachable(n.name()) ? "offline" : "online");
            }
        }
        if (type == null || type.equals("storage")) {
            for (String node : nodes.keySet()) {
                for (Storage s : STORAGES.values()) {
                    list.addObject().put("id", "storage/" + node + "/" + s.id()).put("type", "storage")
                            .put("node", node).put("storage", s.id()).put("shared", s.shared() ? 1 : 0)
                            .put("status", unreachable(node) ? "unknown" : "available");
                }
            }
        }
        return list;
    }

    /** {@code GET .../config}: the config file's keys; a clone in progress has only its lock and a comment. */
    synchronized ObjectNode vmConfig(String node, int vmid) {
        SimVm vm = requireVm(node, vmid);
        ObjectNode json = Json.object().put("digest", Integer.toHexString(vm.hashCode()) + "0000000000");
        if ("clone".equals(vm.lock) && vm.name == null) {
            return json.put("description", " qmclone temporary file").put("lock", "clone");
        }
        json.put("memory", String.valueOf(vm.maxmem >> 20)).put("cores", 2).put("agent", "1")
                .put("scsi0", vm.disk()).put("scsihw", "virtio-scsi-single").put("ostype", "l26")
                .put("net0", "virtio=" + GuestAgent.mac(vm.vmid) + ",bridge=vmbr0");
        putConfigFacts(json, vm);
        if (vm.description != null) {
            json.put("description", vm.description);
        }
        if (vm.vmstate != null) {
            json.put("vmstate", vm.vmstate).put("runningmachine", "pc-i440fx-8.1+pve0");
        }
        return json;
    }

    private static void putConfigFacts(ObjectNode json, SimVm vm) {
        if (vm.name != null) {
            json.put("name", vm.name);
        }
        if (vm.template) {
            json.put("template", 1);
        }
        if (vm.lock != null) {
            json.put("lock", vm.lock);
        }
    }

    synchronized ObjectNode vmStatus(String node, int vmid) {
        SimVm vm = requireVm(node, vmid);
        ObjectNode json = Json.object().put("vmid", vm.vmid)
                .put("status", vm.status).put("qmpstatus", vm.qmpstatus)
                .put("cpu", vm.running() && !"paused".equals(vm.qmpstatus) ? 0.02 : 0.0)
                .put("cpus", 2).put("mem", vm.running() ? vm.maxmem : 0).put("maxmem", vm.maxmem)
                .put("uptime", vm.uptimeSeconds(nowNanos()));
        json.putObject("ha").put("managed", 0);
        putConfigFacts(json, vm);
        json.put("name", shownName(vm));
        if (vm.running()) {
            json.put("agent", 1);
        }
        return json;
    }

    /** {@code GET /storage}: the cluster's storage config; {@code shared} is set for the types always shared. */
    ArrayNode storageConfig() {
        ArrayNode list = Json.array();
        STORAGES.values().stream().sorted(java.util.Comparator.comparing(Storage::id))
                .forEach(s -> list.add(storageConfig(s)));
        return list;
    }

    ObjectNode storageConfig(String id) {
        Storage s = STORAGES.get(id);
        if (s == null) {
            throw ApiError.server("storage '" + id + "' does not exist");
        }
        return storageConfig(s);
    }

    private static ObjectNode storageConfig(Storage s) {
        ObjectNode json = Json.object().put("storage", s.id()).put("type", s.type()).put("content", s.content())
                .put("digest", "5fb3cfe1c1d1c7b6a6f6e27e1c7d2d9b6e0c2a11");
        if (s.shared()) {
            json.put("shared", 1);
        }
        return json;
    }

    /** {@code GET /nodes/{node}/storage}: what that node sees, {@code shared} always 0 or 1. */
    synchronized ArrayNode nodeStorage(String node) {
        requireNode(node);
        ArrayNode list = Json.array();
        STORAGES.values().stream().sorted(java.util.Comparator.comparing(Storage::id)).forEach(s -> list.addObject()
                .put("storage", s.id()).put("type", s.type()).put("content", s.content())
                .put("shared", s.shared() ? 1 : 0).put("active", 1).put("enabled", 1)
                .put("total", 2L << 40).put("used", 1L << 40).put("avail", 1L << 40).put("used_fraction", 0.5));
        return list;
    }

    synchronized ObjectNode agentInterfaces(String node, int vmid, String guestAddress) {
        SimVm vm = requireVm(node, vmid);
        if (!vm.running()) {
            throw ApiError.server("VM " + vmid + " is not running");
        }
        long now = nowNanos();
        if (!"running".equals(vm.qmpstatus) || now < vm.agentAtNanos) {
            throw ApiError.server("QEMU guest agent is not running");
        }
        return GuestAgent.networkInterfaces(vmid, now < vm.addressAtNanos ? null : guestAddress);
    }

    List<String> nodeNames() {
        return new ArrayList<>(nodes.keySet());
    }
}

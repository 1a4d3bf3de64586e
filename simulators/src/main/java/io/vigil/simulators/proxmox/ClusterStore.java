package io.vigil.simulators.proxmox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.vigil.simulators.http.Json;

/**
  * Keeps the simulated cluster's VMs and tasks in a JSON file, so that the local run's "cluster" outlives a restart
  * of the process as a real one outlives a restart of Vigil. Written after every change (a small file; the local
  * run makes a few changes a second), atomically. Templates come from the configuration, not from the file.
  */
final class ClusterStore {

    private final Path file;

    ClusterStore(Path file) {
        this.file = file;
    }

    /** Called under the cluster monitor. */
    void save(ProxmoxCluster cluster, Workers workers) {
        ObjectNode root = Json.object().put("nextPid", workers.nextPid());
        ArrayNode vms = root.putArray("vms");
        for (SimVm vm : cluster.vms.values()) {
            if (vm.template) {
                continue;
            }
            ObjectNode json = vms.addObject().put("vmid", vm.vmid).put("node", vm.node).put("name", vm.name)
                    .put("description", vm.description).put("status", vm.status).put("qmpstatus", vm.qmpstatus)
                    .put("lock", vm.lock).put("vmstate", vm.vmstate).put("maxmem", vm.maxmem)
                    .put("storage", vm.storage);
            if (vm.linkedFrom != null) {
                json.put("linkedFrom", vm.linkedFrom);
            }
        }
        ArrayNode tasks = root.putArray("tasks");
        for (SimTask t : workers.all()) {
            ObjectNode json = tasks.addObject().put("upid", t.upid).put("node", t.node).put("type", t.type)
                    .put("id", t.id).put("user", t.user).put("starttime", t.starttime)
                    .put("failing", t.failing).put("warning", t.warning)
                    .put("exitstatus", t.exitstatus).put("endtime", t.endtime);
            json.set("params", Json.MAPPER.valueToTree(t.params));
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path next = file.resolveSibling(file.getFileName() + ".next");
            Files.writeString(next, Json.MAPPER.writeValueAsString(root));
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the simulated cluster to " + file, e);
        }
    }

    /** Restores what the file holds; running VMs run on (their guests answer at once), unfinished tasks finish. */
    void load(ProxmoxCluster cluster, Workers workers) {
        if (!Files.exists(file)) {
            return;
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the simulated cluster from " + file, e);
        }
        synchronized (cluster) {
            long now = cluster.nowNanos();
            for (JsonNode v : root.path("vms")) {
                JsonNode linked = v.get("linkedFrom");
                SimVm vm = new SimVm(v.path("vmid").asInt(), v.path("node").asString(), text(v, "name"), false,
                        v.path("maxmem").asLong(), v.path("storage").asString("ceph-vm"),
                        linked == null || linked.isNull() ? null : linked.asInt());
                vm.description = text(v, "description");
                vm.lock = text(v, "lock");
                vm.vmstate = text(v, "vmstate");
                if ("running".equals(text(v, "status"))) {
                    vm.powerOn(now, 0);
                    vm.qmpstatus = v.path("qmpstatus").asString("running");
                }
                if (cluster.nodes.containsKey(vm.node)) {
                    cluster.vms.put(vm.vmid, vm);
                }
            }
            List<SimTask> tasks = new ArrayList<>();
            for (JsonNode t : root.path("tasks")) {
                Map<String, String> params = new HashMap<>();
                t.path("params").properties().forEach(e -> params.put(e.getKey(), e.getValue().asString()));
                SimTask task = new SimTask(t.path("upid").asString(), t.path("node").asString(),
                        t.path("type").asString(), t.path("id").asString(), t.path("user").asString(),
                        t.path("starttime").asLong(), params, t.path("failing").asBoolean(),
                        t.path("warning").asBoolean());
                if (text(t, "exitstatus") != null) {
                    task.finish(text(t, "exitstatus"), t.path("endtime").asLong());
                }
                tasks.add(task);
            }
            workers.restore(tasks, root.path("nextPid").asLong(0));
        }
        workers.finishInterrupted();
    }

    private static String text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }
}

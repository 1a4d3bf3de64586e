package io.vigil.simulators.proxmox;

import java.util.Map;

import tools.jackson.databind.node.ObjectNode;

import io.vigil.simulators.http.Json;

/**
 * One worker task: what it does is data ({@code type}, the VM, {@code params}), so a task survives a restart of
 * the simulator and finishes then. Guarded by the {@link ProxmoxCluster} monitor.
 */
final class SimTask {

    final String upid;
    final String node;
    final String type;
    /** The task's id as Proxmox shows it: the VM it works on (for a clone, the source). */
    final String id;
    final String user;
    final long starttime;
    final Map<String, String> params;
    /** Decided when the task is forked, so a test with fault rate 1.0 sees every task fail. */
    final boolean failing;
    final boolean warning;
    String exitstatus;
    long endtime;
    /** Whether it holds its flocks and runs (as opposed to waiting for them). */
    boolean started;

    SimTask(String upid, String node, String type, String id, String user, long starttime, Map<String, String> params,
            boolean failing, boolean warning) {
        this.upid = upid;
        this.node = node;
        this.type = type;
        this.id = id;
        this.user = user;
        this.starttime = starttime;
        this.params = Map.copyOf(params);
        this.failing = failing;
        this.warning = warning;
    }

    boolean running() {
        return exitstatus == null;
    }

    int vmid() {
        return Integer.parseInt(id);
    }

    void finish(String exit, long epochSeconds) {
        exitstatus = exit;
        endtime = epochSeconds;
    }

    ObjectNode toJson() {
        ObjectNode json = Json.object()
                .put("upid", upid).put("node", node).put("type", type).put("id", id)
                .put("user", user).put("starttime", starttime)
                .put("status", running() ? "running" : "stopped");
        if (!running()) {
            json.put("exitstatus", exitstatus).put("endtime", endtime);
        }
        return json;
    }

    /** {@code UPID:node:PID:PSTART:STARTTIME:type:id:user:}, upper-case hex as PVE prints it. */
    static String upid(String node, long pid, long pstart, long starttime, String type, String id,
                       String user) {
        return String.format("UPID:%s:%08X:%08X:%08X:%s:%s:%s:", node, pid, pstart, starttime, type,
                id, user);
    }
}

package io.vigil.simulators.proxmox;

import tools.jackson.databind.node.ObjectNode;

import io.vigil.simulators.http.Json;

/** One worker task; guarded by the {@link ProxmoxCluster} monitor. */
final class SimTask {

    final String upid;
    final String node;
    final String type;
    final String id;
    final String user;
    final long starttime;
    String exitstatus;
    long endtime;

    SimTask(String upid, String node, String type, String id, String user, long starttime) {
        this.upid = upid;
        this.node = node;
        this.type = type;
        this.id = id;
        this.user = user;
        this.starttime = starttime;
    }

    boolean running() {
        return exitstatus == null;
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

package io.vigil.simulators.proxmox;

import static io.netty.handler.codec.http.HttpMethod.DELETE;
import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.POST;
import static io.netty.handler.codec.http.HttpMethod.PUT;

import java.util.Collections;
import java.util.List;
import java.util.Map;

import io.netty.handler.codec.http.HttpHeaderNames;
import tools.jackson.databind.node.ObjectNode;

import io.vigil.simulators.http.Json;
import io.vigil.simulators.http.SimReply;
import io.vigil.simulators.http.SimRequest;

/** Routes {@code /api2/json/...} requests: auth, fault injection, then the handlers. */
final class ProxmoxApi {

    private static final String TOKEN_PREFIX = "PVEAPIToken=";

    private final ProxmoxCluster cluster;
    private final Workers workers;
    private final VmActions actions;
    private final String apiToken;
    private final String guestAddress;

    ProxmoxApi(ProxmoxCluster cluster, Workers workers, VmActions actions, String apiToken, String guestAddress) {
        this.cluster = cluster;
        this.workers = workers;
        this.actions = actions;
        this.apiToken = apiToken;
        this.guestAddress = guestAddress;
    }

    /** @param request with the {@code api2/json} prefix already stripped from its segments */
    SimReply handle(SimRequest request) {
        try {
            String user = authenticate(request);
            injectTransportFaults(request);
            return SimReply.ok(data(route(request, user)));
        } catch (ApiError e) {
            return e.toReply();
        }
    }

    private static Map<String, Object> data(Object value) {
        return Collections.singletonMap("data", value);
    }

    private String authenticate(SimRequest request) {
        String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (apiToken == null) {
            return header != null && header.startsWith(TOKEN_PREFIX) && header.contains("=")
                    ? header.substring(TOKEN_PREFIX.length(), header.lastIndexOf('=')) : "root@pam";
        }
        if (header == null) {
            throw ApiError.of(401, "No ticket");
        }
        if (!header.equals(TOKEN_PREFIX + apiToken)) {
            throw ApiError.of(401, "invalid token value!");
        }
        return apiToken.substring(0, apiToken.lastIndexOf('='));
    }

    private void injectTransportFaults(SimRequest request) {
        if (request.segments().size() > 1 && "nodes".equals(request.segment(0))
                && cluster.unreachable(request.segment(1))) {
            throw ApiError.of(595, "Connection refused");
        }
        if (cluster.roll(cluster.faults().unreachable595())) {
            throw ApiError.of(595, "Connection refused");
        }
        if (cluster.roll(cluster.faults().http5xx())) {
            throw ApiError.server("Internal Server Error (simulated)");
        }
    }

    private Object route(SimRequest r, String user) {
        if (r.is(GET, "version")) {
            return Json.object().put("version", "8.3.0").put("release", "8.3")
                    .put("repoid", "c1689ccb1065a83b");
        }
        if (r.is(GET, "nodes")) {
            return cluster.nodeList();
        }
        if (r.is(GET, "cluster", "nextid")) {
            return cluster.nextId(r.params().get("vmid"));
        }
        if (r.is(GET, "cluster", "resources")) {
            return cluster.resources(r.params().get("type"));
        }
        if (r.is(GET, "storage")) {
            return cluster.storageConfig();
        }
        if (r.is(GET, "storage", "*")) {
            return cluster.storageConfig(r.segment(1));
        }
        if (r.is(GET, "nodes", "*", "storage")) {
            return cluster.nodeStorage(r.segment(1));
        }
        if (r.is(GET, "nodes", "*", "status")) {
            return cluster.nodeStatus(r.segment(1));
        }
        if (r.is(GET, "nodes", "*", "qemu")) {
            return cluster.listVms(r.segment(1));
        }
        if (r.is(GET, "nodes", "*", "tasks", "*", "status")) {
            return workers.status(r.segment(1), r.segment(3));
        }
        if (r.segments().size() >= 4 && "nodes".equals(r.segment(0))
                && "qemu".equals(r.segment(2))) {
            return vm(r, r.segment(1), ProxmoxParams.vmid("vmid", r.segment(3)), user);
        }
        throw notImplemented(r);
    }

    private Object vm(SimRequest r, String node, int vmid, String user) {
        List<String> rest = r.segments().subList(4, r.segments().size());
        if (r.method().equals(DELETE) && rest.isEmpty()) {
            return actions.delete(node, vmid, user);
        }
        if (r.method().equals(GET) && rest.equals(List.of("status", "current"))) {
            return cluster.vmStatus(node, vmid);
        }
        if (r.method().equals(GET) && rest.equals(List.of("config"))) {
            return cluster.vmConfig(node, vmid);
        }
        if (r.method().equals(PUT) && rest.equals(List.of("config"))) {
            actions.updateConfig(node, vmid, r.params());
            return null;
        }
        if (r.method().equals(POST) && rest.equals(List.of("config"))) {
            // POST is the asynchronous form: the change is made (and refused) in the API process all the same
            actions.updateConfig(node, vmid, r.params());
            return workers.fork(node, "qmconfig", vmid, user, java.util.Map.of());
        }
        if (r.method().equals(GET) && rest.equals(List.of("agent", "network-get-interfaces"))) {
            return cluster.agentInterfaces(node, vmid, guestAddress);
        }
        if (r.method().equals(POST) && rest.equals(List.of("clone"))) {
            return actions.clone(node, vmid, r.params(), user);
        }
        if (r.method().equals(POST) && rest.equals(List.of("migrate"))) {
            return actions.migrate(node, vmid, r.params(), user);
        }
        if (r.method().equals(POST) && rest.size() == 2 && "status".equals(rest.get(0))) {
            return power(r, node, vmid, rest.get(1), user);
        }
        throw notImplemented(r);
    }

    private String power(SimRequest r, String node, int vmid, String action, String user) {
        switch (action) {
            case "start" -> {
                return actions.start(node, vmid, user);
            }
            case "stop" -> {
                return actions.stop(node, vmid, user, false, false);
            }
            case "shutdown" -> {
                return actions.stop(node, vmid, user, true, ProxmoxParams.bool(r.params(), "forceStop", false));
            }
            case "suspend" -> {
                return actions.suspend(node, vmid, ProxmoxParams.bool(r.params(), "todisk", false), user);
            }
            case "resume" -> {
                return actions.resume(node, vmid, user);
            }
            default -> throw notImplemented(r);
        }
    }

    private static ApiError notImplemented(SimRequest r) {
        return ApiError.of(501, "Method '" + r.method() + " /" + String.join("/", r.segments())
                + "' not implemented");
    }

    /** The simulator's own view, for {@code GET /sim/config}. */
    ObjectNode controlView() {
        ObjectNode json = Json.object();
        json.set("faults", Json.MAPPER.valueToTree(cluster.faults()));
        ObjectNode lat = json.putObject("latencies");
        var l = cluster.latencies();
        lat.put("cloneMs", l.linkedClone().toMillis()).put("fullCloneMs", l.fullClone().toMillis())
                .put("startMs", l.start().toMillis()).put("bootMs", l.boot().toMillis())
                .put("stopMs", l.stop().toMillis()).put("deleteMs", l.delete().toMillis())
                .put("suspendMs", l.suspend().toMillis()).put("resumeMs", l.resume().toMillis());
        json.put("lockWaitMs", cluster.lockWait().toMillis());
        json.put("statsIntervalMs", cluster.statsInterval().toMillis());
        var unreachable = json.putArray("unreachableNodes");
        cluster.unreachableNodes().stream().sorted().forEach(unreachable::add);
        return json;
    }
}

package io.vigil.command.proxmox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
  * The Proxmox VE API calls Vigil makes. Actions answer a task id (UPID) as soon as Proxmox has
  * started the task; whether it worked shows in {@link #taskStatus}. Nothing is retried here:
  * errors carry a {@link ProxmoxException.Kind} so callers decide (a clone, for instance, must
  * not be repeated blindly).
  */
public class ProxmoxClient {

    private final ProxmoxHttp http;

    public ProxmoxClient(ProxmoxProperties properties, WebClient.Builder builder) {
        this.http = new ProxmoxHttp(properties, builder);
    }

    public Mono<List<NodeInfo>> nodes() {
        return http.get("/nodes").map(data -> list(data, n -> new NodeInfo(text(n, "node"),
                text(n, "status"), n.path("cpu").asDouble(0), n.path("maxcpu").asInt(0),
                n.path("mem").asLong(0), n.path("maxmem").asLong(0), n.path("uptime").asLong(0))));
    }

    public Mono<NodeDetails> nodeStatus(String node) {
        return http.get("/nodes/{node}/status", node).map(d -> new NodeDetails(
                d.path("cpu").asDouble(0), d.path("cpuinfo").path("cpus").asInt(0),
                d.path("memory").path("total").asLong(0), d.path("memory").path("used").asLong(0),
                d.path("memory").path("free").asLong(0), d.path("uptime").asLong(0)));
    }

    /** A VMID free right now. Proxmox reserves nothing: a clone may still find it taken. */
    public Mono<Integer> nextId() {
        return http.get("/cluster/nextid").map(data -> Integer.parseInt(data.asString().trim()));
    }

    /** Whether {@code vmid} is free now (Proxmox answers 400 when it is taken); reserves nothing. */
    public Mono<Boolean> isFree(int vmid) {
        return http.get(java.util.Map.of("vmid", String.valueOf(vmid)), "/cluster/nextid").map(data -> true)
                .onErrorResume(ProxmoxException.class, e -> e.kind() == ProxmoxException.Kind.INVALID
                        ? Mono.just(false) : Mono.error(e));
    }

    /**
      * A linked clone ({@code full=0}) of a template, made on the template's node {@code node}; with a
      * {@code target} other than that node, the clone ends up there (only with shared storage). Answers the task's
      * UPID, which names {@code node}: follow it there.
      */
    public Mono<String> clone(String node, int templateVmid, int newId, String name,
                              String description, String target) {
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        form.add("newid", String.valueOf(newId));
        form.add("full", "0");
        if (target != null && !target.equals(node)) {
            form.add("target", target);
        }
        if (name != null) {
            form.add("name", name);
        }
        if (description != null) {
            form.add("description", description);
        }
        return upid(http.post(form, "/nodes/{node}/qemu/{vmid}/clone", node, templateVmid));
    }

    public Mono<String> start(String node, int vmid) {
        return power(node, vmid, "start", new LinkedMultiValueMap<>());
    }

    /** Hard stop, like pulling the plug. */
    public Mono<String> stop(String node, int vmid) {
        return power(node, vmid, "stop", new LinkedMultiValueMap<>());
    }

    /** ACPI shutdown; the guest decides how long it takes. */
    public Mono<String> shutdown(String node, int vmid) {
        return power(node, vmid, "shutdown", new LinkedMultiValueMap<>());
    }

    /**
     * ACPI shutdown, and a hard stop if the guest has not shut down after {@code timeout} ({@code forceStop=1}):
     * the guest gets to flush its disks, and the task still ends within a bound.
     */
    public Mono<String> shutdown(String node, int vmid, Duration timeout) {
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        form.add("timeout", String.valueOf(Math.max(1, timeout.toSeconds())));
        form.add("forceStop", "1");
        return power(node, vmid, "shutdown", form);
    }

    /** Hibernate: the VM ends stopped with {@code lock: suspended}, its RAM saved to disk. */
    public Mono<String> suspendToDisk(String node, int vmid) {
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        form.add("todisk", "1");
        return power(node, vmid, "suspend", form);
    }

    /** Continues a paused VM, or starts a hibernated one from its saved state. */
    public Mono<String> resume(String node, int vmid) {
        return power(node, vmid, "resume", new LinkedMultiValueMap<>());
    }

    private Mono<String> power(String node, int vmid, String action,
                                                          MultiValueMap<String, String> form) {
        return upid(http.post(form, "/nodes/{node}/qemu/{vmid}/status/" + action, node, vmid));
    }

    /** Destroys a stopped VM with its disks; Proxmox refuses a running one. */
    public Mono<String> delete(String node, int vmid) {
        return upid(http.delete(Map.of("purge", "1", "destroy-unreferenced-disks", "1"),
                "/nodes/{node}/qemu/{vmid}", node, vmid));
    }

    public Mono<VmStatus> vmStatus(String node, int vmid) {
        return http.get("/nodes/{node}/qemu/{vmid}/status/current", node, vmid)
                .map(d -> new VmStatus(text(d, "status"), text(d, "qmpstatus"), text(d, "lock"),
                        d.path("cpu").asDouble(0), d.path("mem").asLong(0), d.path("maxmem").asLong(0),
                        d.path("uptime").asLong(0), ownName(text(d, "name"), vmid)));
    }

    /** The task's state, asked of the node that runs it (the one the UPID names): no other node knows it. */
    public Mono<TaskStatus> taskStatus(String upid) {
        return http.get("/nodes/{node}/tasks/{upid}/status", Upid.node(upid), upid)
                .map(d -> new TaskStatus(text(d, "status"), text(d, "exitstatus")));
    }

    /** Every VM of the cluster with the node that holds it now; the one call that finds a VM wherever it is. */
    public Mono<List<ClusterVm>> clusterVms() {
        return http.get(Map.of("type", "vm"), "/cluster/resources").map(data -> {
            List<ClusterVm> vms = new ArrayList<>();
            for (JsonNode v : data) {
                if (!"qemu".equals(v.path("type").asString("qemu"))) {
                    continue;
                }
                int vmid = v.path("vmid").asInt(0);
                String name = ownName(text(v, "name"), vmid);
                vms.add(new ClusterVm(vmid, text(v, "node"), name, text(v, "status"),
                        v.path("template").asInt(0) == 1, text(v, "lock")));
            }
            return List.copyOf(vms);
        });
    }

    /**
     * A VM's own name, or null: Proxmox shows {@code "VM <vmid>"} for a config without a name (a clone in
     * progress has none until its task ends), in the cluster listing, {@code status/current} and the node's list.
     */
    static String ownName(String shown, int vmid) {
        return shown == null || shown.equals("VM " + vmid) ? null : shown;
    }

    /** The storages of the template's disks: each {@code scsiN/virtioN/sataN/ideN/efidisk0/tpmstate0} volume's. */
    public Mono<List<String>> diskStorages(String node, int vmid) {
        return disks(node, vmid).map(VmDisks::storages);
    }

    /**
     * From the VM's config, read now: whether it is a template ({@code template: 1}; the cluster listing's flag
     * comes from the statistics pass and lags) and the storages of its disks.
     */
    public Mono<VmDisks> disks(String node, int vmid) {
        return http.get("/nodes/{node}/qemu/{vmid}/config", node, vmid).map(config -> {
            List<String> storages = new ArrayList<>();
            for (var field : config.properties()) {
                String key = field.getKey();
                String value = field.getValue().asString("");
                boolean disk = key.matches("(scsi|virtio|sata|ide)\\d+|efidisk0|tpmstate0");
                if (disk && value.contains(":") && !value.contains("media=cdrom") && !value.startsWith("none")) {
                    String storage = value.substring(0, value.indexOf(':'));
                    if (!storages.contains(storage)) {
                        storages.add(storage);
                    }
                }
            }
            return new VmDisks("1".equals(config.path("template").asString("0")), List.copyOf(storages));
        });
    }

    /** @see #disks */
    public record VmDisks(boolean template, List<String> storages) {
    }

    /** Which storages are shared between nodes ({@code GET /storage}: Proxmox sets {@code shared} for them). */
    public Mono<Map<String, Boolean>> sharedStorages() {
        return http.get("/storage").map(data -> {
            Map<String, Boolean> shared = new java.util.HashMap<>();
            data.forEach(s -> shared.put(text(s, "storage"), s.path("shared").asInt(0) == 1));
            return Map.copyOf(shared);
        });
    }

    /** Renames a VM ({@code PUT .../config}, applied at once; refused while the VM is locked). */
    public Mono<Void> rename(String node, int vmid, String name) {
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        form.add("name", name);
        return http.put(form, "/nodes/{node}/qemu/{vmid}/config", node, vmid).then();
    }

    /** Discards a hibernated VM's saved RAM ({@code delete=vmstate}): it is then plainly stopped, unlocked. */
    public Mono<Void> discardSavedState(String node, int vmid) {
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        form.add("delete", "vmstate");
        return http.put(form, "/nodes/{node}/qemu/{vmid}/config", node, vmid).then();
    }

    public Mono<List<VmSummary>> listVms(String node) {
        return http.get("/nodes/{node}/qemu", node).map(data -> list(data, v -> new VmSummary(
                v.path("vmid").asInt(0), ownName(text(v, "name"), v.path("vmid").asInt(0)), text(v, "status"),
                v.path("template").asInt(0) == 1, text(v, "lock"))));
    }

    /**
      * The guest's address as its QEMU agent reports it: the first IPv4 of an interface other than {@code lo} that
      * is neither loopback nor link-local (loopback too when {@code allowLoopback}, for simulated guests). Empty
      * while the VM or its agent is not running, or the guest has no routable address yet (early in boot).
      */
    public Mono<Optional<String>> guestAddress(String node, int vmid, boolean allowLoopback) {
        return http.get("/nodes/{node}/qemu/{vmid}/agent/network-get-interfaces", node, vmid)
                .map(data -> GuestAddresses.pick(data, allowLoopback))
                .onErrorResume(ProxmoxException.class, e -> GuestAddresses.agentNotReady(e)
                        ? Mono.just(Optional.empty()) : Mono.error(e));
    }

    private static Mono<String> upid(Mono<JsonNode> data) {
        return data.map(d -> {
            if (!d.isString() || !d.asString().startsWith("UPID:")) {
                throw new ProxmoxException(ProxmoxException.Kind.TRANSIENT, 200, null,
                        "expected a task id (UPID), got " + d, null);
            }
            return d.asString();
        });
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }

    private static <T> List<T> list(JsonNode array, java.util.function.Function<JsonNode, T> map) {
        List<T> result = new ArrayList<>(array.size());
        array.forEach(item -> result.add(map.apply(item)));
        return List.copyOf(result);
    }
}

package io.vigil.simulators.proxmox;

import static io.netty.handler.codec.http.HttpMethod.DELETE;
import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.PUT;

import java.io.InputStream;
import java.nio.file.Files;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import javax.net.ssl.KeyManagerFactory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;
import reactor.netty.tcp.TcpServer;
import tools.jackson.databind.JsonNode;

import io.vigil.simulators.http.Json;
import io.vigil.simulators.http.SimHttp;
import io.vigil.simulators.http.SimReply;
import io.vigil.simulators.http.SimRequest;
import io.vigil.simulators.proxmox.ProxmoxSimConfig.Faults;
import io.vigil.simulators.proxmox.ProxmoxSimConfig.Latencies;

/**
  * An in-process Proxmox VE API ({@code /api2/json}) speaking the subset Vigil uses, plus a
  * stand-in guest TCP listener. Control endpoints under {@code /sim} are never faulted.
  *
  * <pre>{@code
  * try (ProxmoxSimulator sim = ProxmoxSimulator.start(ProxmoxSimConfig.defaults())) {
  *   sim.baseUrl(); // http://127.0.0.1:PORT/api2/json
  * }
  * }</pre>
  */
public final class ProxmoxSimulator implements AutoCloseable {
    private final LoopResources loops;

    private static final Logger log = LoggerFactory.getLogger(ProxmoxSimulator.class);

    private final ProxmoxSimConfig config;
    private final ScheduledExecutorService timer;
    private final ProxmoxCluster cluster;
    private final Workers workers;
    private final ProxmoxApi api;
    private final DisposableServer http;
    private final DisposableServer guest;

    private ProxmoxSimulator(ProxmoxSimConfig config) {
        this.config = config;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "proxmox-sim-tasks");
            t.setDaemon(true);
            return t;
        });
        this.cluster = new ProxmoxCluster(config);
        this.workers = new Workers(cluster, timer, config.seed());
        VmActions actions = new VmActions(cluster, workers);
        workers.work(actions);
        if (config.stateFile() != null) {
            ClusterStore store = new ClusterStore(config.stateFile());
            store.load(cluster, workers);
            workers.onChange(() -> store.save(cluster, workers));
            cluster.statsInterval(config.statsInterval()); // the nodes' statistics go on across our restart
        }
        this.api = new ProxmoxApi(cluster, workers, actions, config.apiToken(), config.guestAddress());
        // Own event loops: a Spring context in the same JVM disposes Reactor Netty's global ones when it closes.
        this.loops = LoopResources.create("proxmox-sim", 2, true);
        this.guest = TcpServer.create().runOn(loops).host(config.host()).port(config.guestPort())
                .handle((in, out) -> Mono.empty()) // accept, then close: "something listens"
                .bindNow();
        HttpServer server = HttpServer.create().runOn(loops).host(config.host()).port(config.port())
                .handle((req, res) -> SimHttp.serve(req, res, this::handle));
        if (config.tls() != null) {
            server = server.secure(spec -> spec.sslContext(Http11SslContextSpec.forServer(keys(config))));
        }
        this.http = server.bindNow();
    }

    public static ProxmoxSimulator start(ProxmoxSimConfig config) {
        ProxmoxSimulator sim = new ProxmoxSimulator(config);
        log.info("Proxmox simulator listening on {} (guest port {})", sim.baseUrl(), sim.guestPort());
        return sim;
    }

    public static ProxmoxSimulator start() {
        return start(ProxmoxSimConfig.defaults());
    }

    private static KeyManagerFactory keys(ProxmoxSimConfig config) {
        try (InputStream in = Files.newInputStream(config.tls().keyStore())) {
            char[] password = config.tls().password().toCharArray();
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(
                    KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, password);
            return kmf;
        } catch (Exception e) {
            throw new IllegalStateException("cannot load TLS key store " + config.tls(), e);
        }
    }

    private SimReply handle(SimRequest request) {
        List<String> s = request.segments();
        if (s.size() >= 2 && s.get(0).equals("api2") && s.get(1).equals("json")) {
            return api.handle(new SimRequest(request.method(), s.subList(2, s.size()),
                    request.params(), request.headers(), request.json()));
        }
        if (request.is(GET, "sim", "config")) {
            return SimReply.ok(api.controlView());
        }
        if (request.is(PUT, "sim", "config")) {
            try {
                applyControl(request.json());
            } catch (IllegalArgumentException e) {
                return SimReply.of(400, Json.object().put("message", e.getMessage()));
            }
            return SimReply.ok(api.controlView());
        }
        if (request.is(GET, "sim", "vms")) {
            return SimReply.ok(vms());
        }
        if (request.is(DELETE, "sim", "vms", "*")) {
            try {
                return removeVm(Integer.parseInt(request.segments().get(2)))
                        ? SimReply.ok(Json.object().put("removed", true))
                        : SimReply.of(404, Json.object().put("message", "no VM " + request.segments().get(2)));
            } catch (NumberFormatException e) {
                return SimReply.of(400, Json.object().put("message", "not a VMID"));
            }
        }
        return SimReply.of(404, Json.object().put("message", "not found: " + request.path()));
    }

    /**
      * {@code {"faults":{"http5xx":0.1,...}, "latencies":{"cloneMs":500,...},
      * "unreachableNodes":["pve-3"]}}; absent fields stay as they are.
      */
    private void applyControl(JsonNode body) {
        JsonNode f = body.path("faults");
        if (f.isObject()) {
            Faults old = cluster.faults();
            setFaults(new Faults(f.path("http5xx").asDouble(old.http5xx()),
                    f.path("unreachable595").asDouble(old.unreachable595()),
                    f.path("lockTimeout").asDouble(old.lockTimeout()),
                    f.path("taskFailure").asDouble(old.taskFailure()),
                    f.path("taskWarnings").asDouble(old.taskWarnings())));
        }
        JsonNode l = body.path("latencies");
        if (l.isObject()) {
            Latencies old = cluster.latencies();
            setLatencies(new Latencies(ms(l, "cloneMs", old.linkedClone()),
                    ms(l, "fullCloneMs", old.fullClone()), ms(l, "startMs", old.start()),
                    ms(l, "bootMs", old.boot()), ms(l, "stopMs", old.stop()),
                    ms(l, "deleteMs", old.delete()), ms(l, "suspendMs", old.suspend()),
                    ms(l, "resumeMs", old.resume())));
        }
        if (l.isObject() && l.path("lockWaitMs").isNumber()) {
            setLockWait(Duration.ofMillis(l.path("lockWaitMs").asLong()));
        }
        if (body.path("statsIntervalMs").isNumber()) {
            setStatsInterval(Duration.ofMillis(body.path("statsIntervalMs").asLong()));
        }
        JsonNode unreachable = body.path("unreachableNodes");
        if (unreachable.isArray()) {
            cluster.nodeNames().forEach(n -> cluster.unreachable(n, false));
            unreachable.forEach(n -> setNodeUnreachable(n.asString(), true));
        }
    }

    private static Duration ms(JsonNode node, String field, Duration fallback) {
        JsonNode value = node.path(field);
        return value.isNumber() ? Duration.ofMillis(value.asLong()) : fallback;
    }

    /** e.g. {@code http://127.0.0.1:PORT/api2/json} */
    public String baseUrl() {
        return (config.tls() != null ? "https" : "http") + "://" + config.host() + ":" + http.port()
                + "/api2/json";
    }

    public int port() {
        return http.port();
    }

    public int guestPort() {
        return guest.port();
    }

    public ProxmoxSimConfig config() {
        return config.withFaults(cluster.faults()).withLatencies(cluster.latencies()).withLockWait(cluster.lockWait())
                .withStatsInterval(cluster.statsInterval());
    }

    public List<VmSnapshot> vms() {
        return cluster.snapshot();
    }

    /** The worker tasks the simulator ran or runs, oldest first (the last 10,000). */
    public List<TaskSnapshot> tasks() {
        return workers.snapshot();
    }

    /**
      * The VM disappears as if an admin deleted it in the Proxmox UI (stopped and destroyed, whatever it was
      * doing); answers whether there was one. Templates stay.
      */
    public boolean removeVm(int vmid) {
        synchronized (cluster) {
            SimVm vm = cluster.vms.get(vmid);
            if (vm == null || vm.template) {
                return false;
            }
            cluster.vms.remove(vmid);
            workers.changed();
            return true;
        }
    }

    public void setLockWait(Duration wait) {
        cluster.lockWait(wait);
    }

    /** How often the cluster listing's names and statuses are refreshed (zero: live); a pass runs now. */
    public void setStatsInterval(Duration interval) {
        cluster.statsInterval(interval);
    }

    public void setFaults(Faults faults) {
        cluster.faults(faults);
    }

    public void setLatencies(Latencies latencies) {
        cluster.latencies(latencies);
    }

    /** While set, every call for this node answers 595, and {@code GET /nodes} shows it offline. */
    public void setNodeUnreachable(String node, boolean unreachable) {
        cluster.requireNode(node);
        cluster.unreachable(node, unreachable);
    }

    @Override
    public void close() {
        http.disposeNow();
        guest.disposeNow();
        loops.disposeLater().block(java.time.Duration.ofSeconds(5));
        timer.shutdownNow();
    }
}

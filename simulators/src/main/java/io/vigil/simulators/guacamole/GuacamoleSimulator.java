package io.vigil.simulators.guacamole;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

import io.vigil.simulators.http.SimHttp;

/**
  * An in-process Apache Guacamole REST API ({@code /api}) for the subset Vigil uses: tokens,
  * connections and active connections. Tests (or {@code /sim/...} over HTTP) open and close
  * active connections, since no real user connects here.
  */
public final class GuacamoleSimulator implements AutoCloseable {
    // Own event loops: a Spring context in the same JVM disposes Reactor Netty\'s global ones when it closes.
    private final LoopResources loops = LoopResources.create("guacamole-sim", 1, true);

    private static final Logger log = LoggerFactory.getLogger(GuacamoleSimulator.class);

    private final GuacamoleSimConfig config;
    private final GuacamoleState state;
    private final DisposableServer http;

    private GuacamoleSimulator(GuacamoleSimConfig config) {
        this.config = config;
        this.state = new GuacamoleState(config);
        GuacamoleApi api = new GuacamoleApi(state, config.dataSource());
        this.http = HttpServer.create().runOn(loops).host(config.host()).port(config.port())
                .handle((req, res) -> SimHttp.serve(req, res, api::handle))
                .bindNow();
    }

    public static GuacamoleSimulator start(GuacamoleSimConfig config) {
        GuacamoleSimulator sim = new GuacamoleSimulator(config);
        log.info("Guacamole simulator listening on {} (API under /api)", sim.baseUrl());
        return sim;
    }

    public static GuacamoleSimulator start() {
        return start(GuacamoleSimConfig.defaults());
    }

    /** e.g. {@code http://127.0.0.1:PORT}; the API is under {@code /api}. */
    public String baseUrl() {
        return "http://" + config.host() + ":" + http.port();
    }

    public int port() {
        return http.port();
    }

    public GuacamoleSimConfig config() {
        return config;
    }

    /** Simulates a user connecting; returns the active connection's id. */
    public String openConnection(String connectionId, String username) {
        return state.open(connectionId, username);
    }

    /** Simulates a user opening a client URL Vigil handed out ({@code .../#/client/{id}}); returns the active id. */
    public String openClient(String clientUrl, String username) {
        return state.open(GuacamoleState.connectionOfClient(clientUrl), username);
    }

    /** Simulates the user closing every tab on that client URL; answers how many tunnels closed. */
    public int closeClient(String clientUrl) {
        return state.closeAll(GuacamoleState.connectionOfClient(clientUrl));
    }

    /** @return false if it was not open */
    public boolean closeActive(String activeId) {
        return state.close(activeId);
    }

    /** Every issued token becomes invalid, as after an idle hour. */
    public void expireAllTokens() {
        state.expireAllTokens();
    }

    /**
     * Fault injection: while set, every connection delete answers 500 ({@code INTERNAL_ERROR}) and removes
     * nothing, as a Guacamole whose database fails; everything else works.
     */
    public void refuseConnectionDeletes(boolean refuse) {
        state.refuseDeletes(refuse);
    }

    public List<ConnectionSnapshot> connections() {
        return state.snapshot();
    }

    @Override
    public void close() {
        http.disposeNow();
        loops.disposeLater().block(java.time.Duration.ofSeconds(5));
    }
}

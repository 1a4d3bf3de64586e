package io.vigil.bench;

import io.netty.handler.codec.http.HttpHeaderNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The load generator's HTTP side: Reactor Netty with keep-alive connections, on event-loop threads of its own
 * ({@code bench-client-*}) so that it does not share the server's loops in this JVM.
 */
final class Http implements AutoCloseable {
    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    final LoopResources loops;
    private final String baseUrl;
    private final java.util.Map<String, ConnectionProvider> pools = new java.util.concurrent.ConcurrentHashMap<>();

    Http(String baseUrl, int loopThreads) {
        this.baseUrl = baseUrl;
        this.loops = LoopResources.create("bench-client", loopThreads, true);
    }

    record Reply(int status, String body) {
        JsonNode json() {
            try {
                return body == null || body.isBlank() ? JSON.missingNode() : JSON.readTree(body);
            } catch (RuntimeException e) {
                return JSON.missingNode();
            }
        }

        String errorCode() {
            return json().path("error").path("code").asString("");
        }
    }

    /** A client whose pool holds up to {@code connections} keep-alive connections. */
    HttpClient client(String name, int connections) {
        ConnectionProvider pool = ConnectionProvider.builder(name)
                .maxConnections(connections)
                .pendingAcquireMaxCount(-1)
                .pendingAcquireTimeout(Duration.ofSeconds(60))
                .build();
        ConnectionProvider previous = pools.put(name, pool);
        if (previous != null) {
            previous.disposeLater().block(Duration.ofSeconds(10));
        }
        return HttpClient.create(pool).runOn(loops).baseUrl(baseUrl).keepAlive(true);
    }

    static Mono<Reply> get(HttpClient client, String uri, String bearer) {
        return client.headers(h -> {
                    if (bearer != null) {
                        h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + bearer);
                    }
                })
                .get().uri(uri)
                .responseSingle((res, body) -> body.asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                        .map(b -> new Reply(res.status().code(), b)));
    }

    static Mono<Reply> post(HttpClient client, String uri, String bearer, String json) {
        return client.headers(h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + bearer)
                        .set(HttpHeaderNames.CONTENT_TYPE, "application/json"))
                .post().uri(uri)
                .send(ByteBufFlux.fromString(Mono.just(json)))
                .responseSingle((res, body) -> body.asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                        .map(b -> new Reply(res.status().code(), b)));
    }

    static Mono<Reply> delete(HttpClient client, String uri, String bearer) {
        return client.headers(h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + bearer))
                .delete().uri(uri)
                .responseSingle((res, body) -> body.asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                        .map(b -> new Reply(res.status().code(), b)));
    }

    static Reply await(Mono<Reply> call) {
        return call.block(CALL_TIMEOUT);
    }

    static String sessionRequest(String template) {
        return "{\"template_id\":\"" + template + "\",\"duration_minutes\":60,\"session_type\":\"ephemeral\"}";
    }

    /** Closes the connections of the client made under this name. */
    void release(String name) {
        ConnectionProvider pool = pools.remove(name);
        if (pool != null) {
            pool.disposeLater().block(Duration.ofSeconds(10));
        }
    }

    @Override
    public void close() {
        pools.keySet().forEach(this::release);
        loops.disposeLater().block(Duration.ofSeconds(10));
    }
}

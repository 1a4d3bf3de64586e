package io.vigil.simulators;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

import io.netty.handler.codec.http.HttpMethod;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;

import io.vigil.simulators.http.Json;

/** Raw HTTP for simulator tests; Reactor Netty because java.net.http hides the reason phrase. */
public final class RawHttp {

    private final HttpClient client;

    public RawHttp(String baseUrl, Map<String, String> headers) {
        this.client = HttpClient.create().baseUrl(baseUrl)
                .headers(h -> headers.forEach(h::set))
                .responseTimeout(Duration.ofSeconds(5));
    }

    public RawHttp(String baseUrl) {
        this(baseUrl, Map.of());
    }

    public record Response(int status, String reason, JsonNode body) {

        public JsonNode data() {
            return body.path("data");
        }
    }

    public Response get(String path) {
        return send(HttpMethod.GET, path, null, null);
    }

    public Response delete(String path) {
        return send(HttpMethod.DELETE, path, null, null);
    }

    public Response postForm(String path, Map<String, String> form) {
        return send(HttpMethod.POST, path, form(form), "application/x-www-form-urlencoded");
    }

    public Response putForm(String path, Map<String, String> form) {
        return send(HttpMethod.PUT, path, form(form), "application/x-www-form-urlencoded");
    }

    private static String form(Map<String, String> form) {
        return form.entrySet().stream()
                .map(e -> e.getKey() + "=" + java.net.URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    public Response sendJson(HttpMethod method, String path, String json) {
        return send(method, path, json, "application/json");
    }

    private Response send(HttpMethod method, String path, String body, String contentType) {
        HttpClient c = contentType == null ? client
                : client.headers(h -> h.set("Content-Type", contentType));
        return c.request(method).uri(path)
                .send(body == null ? Mono.empty() : ByteBufFlux.fromString(Mono.just(body)))
                .responseSingle((res, content) -> content.asString(StandardCharsets.UTF_8)
                        .defaultIfEmpty("")
                        .map(text -> new Response(res.status().code(), res.status().reasonPhrase(),
                                text.isBlank() ? MissingNode.getInstance() : Json.MAPPER.readTree(text))))
                .block(Duration.ofSeconds(10));
    }
}

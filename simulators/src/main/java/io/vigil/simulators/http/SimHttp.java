package io.vigil.simulators.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;

/** Receives a whole request, hands it to a synchronous handler and writes the reply. */
public final class SimHttp {

    private static final Logger log = LoggerFactory.getLogger(SimHttp.class);

    private SimHttp() {
    }

    public static Publisher<Void> serve(HttpServerRequest request, HttpServerResponse response,
                                                                            Function<SimRequest, SimReply> handler) {
        return request.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                .map(body -> handle(request, body, handler))
                .flatMap(reply -> write(response, reply));
    }

    private static SimReply handle(HttpServerRequest request, String body,
                                                                  Function<SimRequest, SimReply> handler) {
        try {
            return handler.apply(parse(request, body));
        } catch (RuntimeException e) {
            // A simulator bug must surface as a 500 the test can see, not a hung connection.
            log.error("simulator failed on {} {}", request.method(), request.uri(), e);
            return new SimReply(500, "simulator error: " + e.getClass().getSimpleName(), null);
        }
    }

    private static SimRequest parse(HttpServerRequest request, String body) {
        QueryStringDecoder query = new QueryStringDecoder(request.uri());
        Map<String, String> params = new LinkedHashMap<>();
        query.parameters().forEach((k, v) -> params.put(k, v.isEmpty() ? "" : v.get(0)));
        JsonNode json = MissingNode.getInstance();
        String type = String.valueOf(request.requestHeaders().get(HttpHeaderNames.CONTENT_TYPE));
        if (!body.isBlank() && type.contains("json")) {
            json = Json.MAPPER.readTree(body);
            json.properties().forEach(e -> {
                if (e.getValue().isValueNode()) {
                    params.put(e.getKey(), e.getValue().asString());
                }
            });
        } else if (!body.isBlank()) {
            new QueryStringDecoder(body, false).parameters()
                    .forEach((k, v) -> params.put(k, v.isEmpty() ? "" : v.get(0)));
        }
        return new SimRequest(request.method(), segments(query.rawPath()), params,
                request.requestHeaders(), json);
    }

    static List<String> segments(String rawPath) {
        List<String> segments = new ArrayList<>();
        for (String raw : rawPath.split("/")) {
            if (!raw.isEmpty()) {
                // '+' is literal in a path; URLDecoder would turn it into a space.
                segments.add(URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return segments;
    }

    private static Mono<Void> write(HttpServerResponse response, SimReply reply) {
        response.status(reply.nettyStatus());
        if (reply.body() == null) {
            return response.send().then();
        }
        response.header(HttpHeaderNames.CONTENT_TYPE, "application/json;charset=UTF-8");
        return response.sendString(Mono.just(Json.MAPPER.writeValueAsString(reply.body()))).then();
    }
}

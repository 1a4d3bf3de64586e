package io.vigil.platform.web;

import java.util.Map;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** Writes an {@link ApiError} straight to a response, for the places that run before any controller. */
@Component
public class ApiErrorWriter {
    private final JsonMapper json;

    public ApiErrorWriter(JsonMapper json) {
        this.json = json;
    }

    public Mono<Void> write(ServerWebExchange exchange, HttpStatusCode status, String code, String message) {
        return write(exchange, status, ApiError.of(code, message, Map.of()));
    }

    public Mono<Void> write(ServerWebExchange exchange, HttpStatusCode status, ApiError error) {
        return write(exchange.getResponse(), status, error);
    }

    public Mono<Void> write(ServerHttpResponse response, HttpStatusCode status, ApiError error) {
        if (response.isCommitted()) {
            return Mono.empty();
        }
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        byte[] bytes = bytes(error);
        DataBuffer buffer = response.bufferFactory().wrap(bytes);
        return response.writeWith(Mono.just(buffer));
    }

    public byte[] bytes(ApiError error) {
        return json.writeValueAsBytes(error);
    }
}

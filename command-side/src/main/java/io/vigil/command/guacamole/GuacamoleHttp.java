package io.vigil.command.guacamole;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientException;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

/** WebClient plumbing for Guacamole: timeouts, JSON bodies, and error mapping. */
final class GuacamoleHttp {

    static final JsonMapper JSON = JsonMapper.builder().build();

    final WebClient web;
    private final Duration timeout;

    GuacamoleHttp(GuacamoleProperties properties, WebClient.Builder builder) {
        this.timeout = properties.requestTimeout();
        HttpClient http = HttpClient.create()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(timeout.toMillis(), 30_000))
                .responseTimeout(timeout);
        // clone(): the injected builder is shared; our connector must not leak into other clients.
        this.web = builder.clone().baseUrl(properties.baseUrl() + "/api")
                .clientConnector(new ReactorClientHttpConnector(http)).build();
    }

    /**
      * Runs a request; a 2xx body is parsed as JSON (missing node when empty), anything else
      * becomes a {@link GuacamoleException}.
      */
    Mono<JsonNode> exchange(String call, WebClient.RequestHeadersSpec<?> request) {
        return request.exchangeToMono(response -> read(call, response))
                .timeout(timeout)
                .onErrorMap(error -> transport(call, error));
    }

    private static Mono<JsonNode> read(String call, ClientResponse response) {
        return response.bodyToMono(String.class).defaultIfEmpty("").map(body -> {
            int status = response.statusCode().value();
            if (response.statusCode().is2xxSuccessful()) {
                return body.isBlank() ? MissingNode.getInstance() : JSON.readTree(body);
            }
            String type = null;
            String message = body;
            try {
                JsonNode error = JSON.readTree(body);
                type = error.path("type").asString(null);
                message = error.path("message").asString(body);
            } catch (RuntimeException notJson) {
                // A proxy's error page: keep the raw text.
            }
            throw new GuacamoleException(call + ": " + status + " " + message, status, type,
                    status >= 500, null);
        });
    }

    private static Throwable transport(String call, Throwable error) {
        if (error instanceof GuacamoleException) {
            return error;
        }
        if (error instanceof JacksonException) {
            return new GuacamoleException(call + ": unexpected response body", 0, null, true, error);
        }
        if (error instanceof WebClientException || error instanceof IOException
                || error instanceof TimeoutException || error instanceof ChannelException) {
            return new GuacamoleException(call + ": " + error.getMessage(), 0, null, true, error);
        }
        return error;
    }
}

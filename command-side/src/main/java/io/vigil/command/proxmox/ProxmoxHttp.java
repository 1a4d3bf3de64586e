package io.vigil.command.proxmox;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.util.UriBuilder;
import reactor.core.publisher.Mono;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.NullNode;

/**
  * One Proxmox API call over WebClient: auth header, form body, the {@code data} envelope, and
  * errors (with the reason phrase) mapped to {@link ProxmoxException}. No wiretap logging: the
  * Authorization header must never reach a log.
  */
final class ProxmoxHttp {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final WebClient web;
    private final String authorization;
    private final Duration timeout;

    ProxmoxHttp(ProxmoxProperties properties, WebClient.Builder builder) {
        this.authorization = properties.authorization();
        this.timeout = properties.requestTimeout();
        HttpClient http = HttpClient.create()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(timeout.toMillis(), 30_000))
                .responseTimeout(timeout)
                .doOnChannelInit(ReasonPhraseHandler::install);
        if (properties.baseUrl().startsWith("https:") && properties.insecureTls()) {
            http = http.secure(spec -> spec.sslContext(Http11SslContextSpec.forClient()
                            .configure(ssl -> ssl.trustManager(InsecureTrustManagerFactory.INSTANCE)))
                    .handlerConfigurator(handler -> skipHostnameCheck(handler.engine())));
        }
        // clone(): the injected builder is shared; our connector must not leak into other clients.
        this.web = builder.clone().baseUrl(properties.baseUrl())
                .clientConnector(new ReactorClientHttpConnector(http)).build();
    }

    private static void skipHostnameCheck(SSLEngine engine) {
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm(null);
        engine.setSSLParameters(parameters);
    }

    Mono<JsonNode> get(String path, Object... vars) {
        return call(HttpMethod.GET, b -> b.path(path).build(vars), path, vars, null);
    }

    Mono<JsonNode> get(Map<String, String> query, String path, Object... vars) {
        return call(HttpMethod.GET, b -> {
            query.forEach(b::queryParam);
            return b.path(path).build(vars);
        }, path, vars, null);
    }

    Mono<JsonNode> post(MultiValueMap<String, String> form, String path, Object... vars) {
        return call(HttpMethod.POST, b -> b.path(path).build(vars), path, vars, form);
    }

    Mono<JsonNode> put(MultiValueMap<String, String> form, String path, Object... vars) {
        return call(HttpMethod.PUT, b -> b.path(path).build(vars), path, vars, form);
    }

    /** DELETE takes its parameters in the query string, as with the real API. */
    Mono<JsonNode> delete(Map<String, String> query, String path, Object... vars) {
        return call(HttpMethod.DELETE, b -> {
            query.forEach(b::queryParam);
            return b.path(path).build(vars);
        }, path, vars, null);
    }

    private Mono<JsonNode> call(HttpMethod method, Function<UriBuilder, URI> uri, String path,
                                                            Object[] vars, MultiValueMap<String, String> form) {
        String call = method.name() + " " + describe(path, vars);
        WebClient.RequestBodySpec request = web.method(method).uri(uri)
                .accept(MediaType.APPLICATION_JSON)
                .headers(h -> {
                    if (authorization != null) {
                        h.set(HttpHeaders.AUTHORIZATION, authorization);
                    }
                });
        if (form != null) {
            request.contentType(MediaType.APPLICATION_FORM_URLENCODED)
                    .body(BodyInserters.fromFormData(form));
        }
        return request.exchangeToMono(response -> read(call, response))
                .timeout(timeout)
                .onErrorMap(error -> ProxmoxErrors.transport(call, error));
    }

    private static Mono<JsonNode> read(String call, ClientResponse response) {
        return response.bodyToMono(String.class).defaultIfEmpty("").map(body -> {
            int status = response.statusCode().value();
            if (response.statusCode().is2xxSuccessful()) {
                JsonNode data = JSON.readTree(body).get("data");
                return data == null ? NullNode.getInstance() : data;
            }
            String reason = response.headers().asHttpHeaders().getFirst(ReasonPhraseHandler.HEADER);
            if (reason == null) {
                HttpStatus known = HttpStatus.resolve(status);
                reason = known == null ? "" : known.getReasonPhrase();
            }
            throw ProxmoxErrors.response(call, status, reason, parameterErrors(body));
        });
    }

    /** The 400 body's {@code errors} map, which names each rejected parameter. */
    private static String parameterErrors(String body) {
        try {
            JsonNode errors = JSON.readTree(body).path("errors");
            if (errors.isObject() && !errors.isEmpty()) {
                return errors.properties().stream()
                        .map(e -> e.getKey() + ": " + e.getValue().asString())
                        .collect(Collectors.joining("; ", "{", "}"));
            }
        } catch (RuntimeException ignored) {
            // Not JSON (a proxy's error page, say): the status line already says enough.
        }
        return "";
    }

    private static String describe(String path, Object[] vars) {
        String result = path;
        for (Object var : vars) {
            result = result.replaceFirst("\\{[^}]+}", java.util.regex.Matcher.quoteReplacement(
                    String.valueOf(var)));
        }
        return result;
    }
}

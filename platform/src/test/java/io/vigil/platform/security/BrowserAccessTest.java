package io.vigil.platform.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.testapp.PlatformWebTest;
import java.net.InetSocketAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.server.WebFilter;

/**
 * What a browser on another origin, a caller on another machine, and a load balancer get: CORS for the configured
 * origin only, the development token endpoint for local callers only, health without its details.
 */
class BrowserAccessTest extends PlatformWebTest {
    @Autowired
    ApplicationContext context;

    @Test
    void a_preflight_from_the_configured_origin_is_answered_without_a_token() {
        http().options().uri("/api/v1/probe/echo")
                .header(HttpHeaders.ORIGIN, BROWSER_ORIGIN)
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "POST")
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS, "authorization, content-type, x-correlation-id")
                .exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, BROWSER_ORIGIN)
                .expectHeader().value(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, methods -> assertThat(methods)
                        .contains("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"))
                .expectHeader().value(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, headers -> assertThat(headers.toLowerCase())
                        .contains("authorization", "content-type", "x-correlation-id"));
    }

    @Test
    void a_request_from_the_configured_origin_carries_the_cors_headers() {
        http().get().uri("/api/v1/probe/me")
                .header(HttpHeaders.ORIGIN, BROWSER_ORIGIN)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token("alice", Role.ENGINEER))
                .exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, BROWSER_ORIGIN);
    }

    @Test
    void a_preflight_from_another_origin_is_refused_with_the_envelope() {
        String body = http().options().uri("/api/v1/probe/echo")
                .header(HttpHeaders.ORIGIN, "https://evil.example.com")
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "POST")
                .exchange()
                .expectStatus().isForbidden()
                .expectHeader().doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN)
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(envelopeCode(body)).isEqualTo("cors_rejected");
    }

    @Test
    void the_development_token_endpoint_answers_a_caller_on_this_machine() {
        http().post().uri("/api/v1/dev/tokens").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("user", "alice", "roles", java.util.List.of("engineer")))
                .exchange()
                .expectStatus().isCreated()
                .expectBody().jsonPath("$.token").isNotEmpty().jsonPath("$.org").isEqualTo("default");
    }

    @Test
    void a_development_token_acts_for_the_organisation_asked_for() {
        http().post().uri("/api/v1/dev/tokens").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("user", "root", "roles", java.util.List.of("admin"), "org", "umbrella"))
                .exchange()
                .expectStatus().isCreated()
                .expectBody().jsonPath("$.org").isEqualTo("umbrella");
        http().post().uri("/api/v1/dev/tokens").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("user", "root", "roles", java.util.List.of("admin"), "org", "no/slashes"))
                .exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.code").isEqualTo("invalid_org");
    }

    @Test
    void the_development_token_endpoint_does_not_exist_for_a_caller_on_another_machine() {
        WebTestClient remote = from(new InetSocketAddress("203.0.113.7", 51234));

        String withBody = remote.post().uri("/api/v1/dev/tokens").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("user", "mallory", "roles", java.util.List.of("admin")))
                .exchange().expectStatus().isNotFound().expectBody(String.class).returnResult().getResponseBody();
        String wrongType = remote.post().uri("/api/v1/dev/tokens").contentType(MediaType.TEXT_PLAIN).bodyValue("x")
                .exchange().expectStatus().isNotFound().expectBody(String.class).returnResult().getResponseBody();
        String unknownPath = remote.post().uri("/api/v1/dev/nothing-here").contentType(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token("alice", Role.ENGINEER))
                .bodyValue(Map.of()).exchange().expectStatus().isNotFound()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(envelopeCode(withBody)).isEqualTo("not_found");
        assertThat(envelopeCode(wrongType)).isEqualTo("not_found");
        assertThat(message(withBody)).isEqualTo(message(unknownPath));
    }

    @Test
    void no_spelling_of_the_development_token_path_reaches_it_from_another_machine() {
        WebTestClient remote = from(new InetSocketAddress("203.0.113.7", 51234));
        for (String spelling : java.util.List.of("/api/v1/dev/tok%65ns", "/api/v1/dev/tokens;x=1", "/api/v1/dev%2Ftokens",
                "/api/v1/dev/./tokens", "/api/v1//dev/tokens", "/api/v1/dev/tokens/", "/API/v1/dev/tokens")) {
            String body = remote.post().uri(java.net.URI.create(spelling)).contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("user", "mallory", "roles", java.util.List.of("admin")))
                    .exchange().expectBody(String.class).returnResult().getResponseBody();
            assertThat(body).as(spelling).doesNotContain("token\"").contains("\"error\"");
        }
    }

    @Test
    void loopback_is_judged_by_the_connections_own_peer() {
        assertThat(DevTokenLoopbackFilter.fromLoopback(request(new InetSocketAddress("127.0.0.1", 4000)))).isTrue();
        assertThat(DevTokenLoopbackFilter.fromLoopback(request(new InetSocketAddress("127.8.9.10", 4000)))).isTrue();
        assertThat(DevTokenLoopbackFilter.fromLoopback(request(new InetSocketAddress("::1", 4000)))).isTrue();
        assertThat(DevTokenLoopbackFilter.fromLoopback(request(new InetSocketAddress("10.0.0.5", 4000)))).isFalse();
        assertThat(DevTokenLoopbackFilter.fromLoopback(request(new InetSocketAddress("fe80::1", 4000)))).isFalse();
        assertThat(DevTokenLoopbackFilter.fromLoopback(MockServerHttpRequest.post("/api/v1/dev/tokens")
                .header("X-Forwarded-For", "127.0.0.1").build())).isFalse();
    }

    @Test
    void health_shows_its_components_to_admins_only() {
        Map<String, Object> anonymous = http().get().uri("/actuator/health").exchange()
                .expectStatus().isOk().expectBody(JSON_OBJECT).returnResult().getResponseBody();
        Map<String, Object> engineer = http().get().uri("/actuator/health")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token("alice", Role.ENGINEER)).exchange()
                .expectStatus().isOk().expectBody(JSON_OBJECT).returnResult().getResponseBody();
        Map<String, Object> admin = http().get().uri("/actuator/health")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token("root", Role.ADMIN)).exchange()
                .expectStatus().isOk().expectBody(JSON_OBJECT).returnResult().getResponseBody();

        assertThat(anonymous).containsEntry("status", "UP").doesNotContainKey("components");
        assertThat(engineer).doesNotContainKey("components");
        assertThat(admin).containsEntry("status", "UP").containsKey("components");
        assertThat(admin.get("components").toString()).contains("db=");
    }

    private WebTestClient from(InetSocketAddress peer) {
        WebFilter remotePeer = (exchange, chain) -> chain.filter(exchange.mutate()
                .request(r -> r.remoteAddress(peer)).build());
        return WebTestClient.bindToApplicationContext(context).webFilter(remotePeer).configureClient().build();
    }

    private static MockServerHttpRequest request(InetSocketAddress peer) {
        return MockServerHttpRequest.post("/api/v1/dev/tokens").remoteAddress(peer).build();
    }

    @SuppressWarnings("unchecked")
    private String message(String body) {
        return (String) ((Map<String, Object>) json.readValue(body, Map.class).get("error")).get("message");
    }
}

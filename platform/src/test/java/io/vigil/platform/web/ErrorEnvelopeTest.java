package io.vigil.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.platform.security.Role;
import io.vigil.platform.test.RawHttp;
import io.vigil.testapp.PlatformWebTest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

/**
 * Every error answer carries {@code {"error": {"code", "message", "details", "timestamp"}}} and names no code,
 * including the ones decided before Vigil's handlers see the request: Spring Security's firewall, Reactor
 * Netty's limits, WebFlux's routing and body reading.
 */
class ErrorEnvelopeTest extends PlatformWebTest {

    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/probe/a%2Fb", "/api/v1/probe/a%2fb", "/api/v1//probe/me", "/api/v1/probe/me;x=1",
            "/api/v1/probe/%25", "/api/v1/probe/%2e%2e/me", "/api/v1/probe/a%5Cb", "/api/v1/probe/a%00b",
            "/api/v1/probe/a%0d%0ab", "/api/v1/probe/../probe/me"})
    void the_firewalls_refusals_carry_the_envelope(String target) {
        RawHttp.Response response = raw().send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer " + token("alice", Role.ENGINEER) + "\r\nConnection: close\r\n\r\n");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.headers()).containsEntry("content-type", "application/json");
        assertThat(envelopeCode(response.body())).isEqualTo("invalid_path");
    }

    @Test
    void a_request_line_over_the_limit_is_a_414_with_the_envelope() {
        RawHttp.Response response = raw().send("GET", "/api/v1/probe/" + "a".repeat(5000));

        assertThat(response.status()).isEqualTo(414);
        assertThat(response.headers()).containsEntry("connection", "close").containsEntry("content-type", "application/json")
                .containsEntry("content-length", Integer.toString(response.body().getBytes(StandardCharsets.UTF_8).length));
        assertThat(envelopeCode(response.body())).isEqualTo("uri_too_long");
    }

    @Test
    void headers_over_the_limit_are_a_431_with_the_envelope() {
        RawHttp.Response response = raw().send("GET /api/v1/probe/me HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "X-Padding: " + "p".repeat(10_000) + "\r\nConnection: close\r\n\r\n");

        assertThat(response.status()).isEqualTo(431);
        assertThat(envelopeCode(response.body())).isEqualTo("headers_too_large");
    }

    @ParameterizedTest
    @ValueSource(strings = {"HELLO\r\n\r\n", "GET /api/v1/probe/me FOO/1.1\r\nHost: x\r\n\r\n",
            "GET /api/v1/probe/a|b HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
            "GET /api/v1/probe/%zz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
            "GET /api/v1/probe/a\u0000b HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
            "POST /api/v1/probe/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\n\r\n{}"})
    void bytes_that_are_not_http_are_a_400_with_the_envelope(String request) {
        RawHttp.Response response = raw().send(request);

        assertThat(response.status()).isEqualTo(400);
        assertThat(envelopeCode(response.body())).isEqualTo("malformed_request");
    }

    @Test
    void a_well_formed_request_passes_the_servers_own_checks() {
        RawHttp.Response response = raw().send("GET /api/v1/probe/me HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer " + token("alice", Role.ENGINEER) + "\r\nConnection: close\r\n\r\n");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).contains("\"user\":\"alice\"");
    }

    @Test
    void an_unknown_path_is_a_404_with_the_envelope() {
        String body = http().get().uri("/api/v1/no-such-thing").header(HttpHeaders.AUTHORIZATION, bearer())
                .exchange().expectStatus().isNotFound().expectBody(String.class).returnResult().getResponseBody();
        assertThat(envelopeCode(body)).isEqualTo("not_found");
    }

    @Test
    void a_wrong_method_is_a_405_that_says_which_are_allowed() {
        String body = http().delete().uri("/api/v1/probe/me").header(HttpHeaders.AUTHORIZATION, bearer())
                .exchange().expectStatus().isEqualTo(405)
                .expectHeader().value(HttpHeaders.ALLOW, allow -> assertThat(allow).contains("GET"))
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(envelopeCode(body)).isEqualTo("method_not_allowed");
    }

    @Test
    void an_unacceptable_accept_header_is_a_406_with_the_envelope() {
        String body = http().get().uri("/api/v1/probe/me").header(HttpHeaders.AUTHORIZATION, bearer())
                .accept(MediaType.APPLICATION_XML).exchange().expectStatus().isEqualTo(406)
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(envelopeCode(body)).isEqualTo("not_acceptable");
    }

    @Test
    void a_body_that_is_not_json_is_a_415_whose_message_names_no_class() {
        String body = http().post().uri("/api/v1/probe/echo").header(HttpHeaders.AUTHORIZATION, bearer())
                .contentType(MediaType.TEXT_PLAIN).bodyValue("name=x").exchange().expectStatus().isEqualTo(415)
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(envelopeCode(body)).isEqualTo("unsupported_media_type");
        assertThat(body).contains("Content-Type must be application/json").doesNotContain("EchoBody", "ProbeController");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{not json", "{\"name\": 1, \"count\": \"many\"}", "[1, 2]", "{\"count\": 1e400}", ""})
    void a_body_that_does_not_fit_the_operation_is_a_400_with_a_fixed_sentence(String json) {
        String body = http().post().uri("/api/v1/probe/echo").header(HttpHeaders.AUTHORIZATION, bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(json).exchange().expectStatus().isBadRequest()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(envelopeCode(body)).isEqualTo("invalid_request");
        assertThat(body).contains(ApiExceptionHandler.BODY_MESSAGE).doesNotContain("EchoBody", "Jackson", "tools.");
    }

    @Test
    void a_body_over_the_limit_is_a_413_with_the_envelope() {
        String huge = "{\"name\": \"" + "x".repeat(2 * 1024 * 1024) + "\", \"count\": 1}";
        String body = http().post().uri("/api/v1/probe/echo").header(HttpHeaders.AUTHORIZATION, bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(huge).exchange().expectStatus().isEqualTo(413)
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(envelopeCode(body)).isEqualTo("payload_too_large");
    }

    @Test
    void a_well_formed_request_still_gets_its_answer() {
        http().post().uri("/api/v1/probe/echo").header(HttpHeaders.AUTHORIZATION, bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("name", "ok", "count", 2))
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.count").isEqualTo(2);
    }

    private String bearer() {
        return "Bearer " + token("alice", Role.ENGINEER);
    }
}

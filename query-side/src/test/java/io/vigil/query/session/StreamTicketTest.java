package io.vigil.query.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.platform.security.Role;
import io.vigil.platform.security.SecurityProperties;
import io.vigil.platform.security.StreamTickets;
import io.vigil.query.QuerySideIntegrationTest;
import io.vigil.query.SessionStory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.security.oauth2.jwt.Jwt;
import reactor.test.StepVerifier;

/**
 * A browser's {@code EventSource} cannot send an Authorization header: it opens a session's stream with a
 * short-lived ticket for exactly that stream, fetched with its bearer token.
 */
class StreamTicketTest extends QuerySideIntegrationTest {
    private static final ParameterizedTypeReference<ServerSentEvent<Map<String, Object>>> SSE = new ParameterizedTypeReference<>() {
    };
    @Autowired
    SecurityProperties security;

    @Test
    void a_ticket_opens_the_stream_it_was_issued_for() {
        SessionStory s = provisioning("alice");
        Map<String, Object> ticket = ticket(token("alice", Role.ENGINEER), "/api/v1/sessions/" + s.id() + "/events");
        assertThat(ticket).containsEntry("path", "/api/v1/sessions/" + s.id() + "/events");
        Instant expiresAt = Instant.parse((String) ticket.get("expires_at"));
        assertThat(expiresAt).isBetween(Instant.now().plusSeconds(50), Instant.now().plusSeconds(61));

        var events = http.get().uri("/api/v1/sessions/{id}/events?ticket={t}", s.id(), ticket.get("ticket"))
                .accept(MediaType.TEXT_EVENT_STREAM)
                .exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
                .returnResult(SSE).getResponseBody().filter(e -> e.data() != null);
        StepVerifier.create(events)
                .assertNext(first -> assertThat(first.data()).containsEntry("id", s.id()).containsEntry("status", "provisioning"))
                .thenCancel()
                .verify(Duration.ofSeconds(20));
    }

    @Test
    void a_ticket_carries_its_owner_so_the_streams_ownership_check_applies() {
        SessionStory hers = provisioning("alice");
        String malloryTicket = (String) ticket(token("mallory", Role.ENGINEER), "/api/v1/sessions/" + hers.id() + "/events")
                .get("ticket");

        assertThat(errorCode(http.get().uri("/api/v1/sessions/{id}/events?ticket={t}", hers.id(), malloryTicket)
                .accept(MediaType.TEXT_EVENT_STREAM).exchange(), 403)).isEqualTo("not_session_owner");
    }

    @Test
    void a_ticket_is_refused_on_any_other_path_or_method() {
        SessionStory one = provisioning("bob");
        SessionStory other = provisioning("bob");
        String ticket = (String) ticket(token("bob", Role.ENGINEER), "/api/v1/sessions/" + one.id() + "/events").get("ticket");

        assertThat(errorCode(http.get().uri("/api/v1/sessions/{id}/events?ticket={t}", other.id(), ticket)
                .accept(MediaType.TEXT_EVENT_STREAM).exchange(), 401)).isEqualTo("unauthenticated");
        assertThat(errorCode(http.get().uri("/api/v1/sessions/{id}?ticket={t}", one.id(), ticket).exchange(), 401))
                .isEqualTo("unauthenticated");
        assertThat(errorCode(http.delete().uri("/api/v1/sessions/{id}/events?ticket={t}", one.id(), ticket).exchange(), 401))
                .isEqualTo("unauthenticated");
    }

    @Test
    void a_ticket_is_not_a_bearer_token() {
        SessionStory s = provisioning("carol");
        String ticket = (String) ticket(token("carol", Role.ENGINEER), "/api/v1/sessions/" + s.id() + "/events").get("ticket");

        assertThat(errorCode(http.get().uri("/api/v1/sessions/{id}/events", s.id())
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + ticket).accept(MediaType.TEXT_EVENT_STREAM).exchange(), 401))
                .isEqualTo("unauthenticated");
    }

    @Test
    void an_expired_ticket_is_refused() {
        SessionStory s = provisioning("dave");
        String path = "/api/v1/sessions/" + s.id() + "/events";
        // issued by the same key 61 s ago: a ticket lives 60 s
        StreamTickets earlier = new StreamTickets(security, Clock.offset(Clock.systemUTC(), Duration.ofSeconds(-61)));
        String expired = earlier.issue(caller("dave"), path).ticket();
        String fresh = new StreamTickets(security, Clock.systemUTC()).issue(caller("dave"), path).ticket();

        assertThat(errorCode(http.get().uri(path + "?ticket={t}", expired).accept(MediaType.TEXT_EVENT_STREAM).exchange(), 401))
                .isEqualTo("unauthenticated");
        http.get().uri(path + "?ticket={t}", fresh).accept(MediaType.TEXT_EVENT_STREAM).exchange()
                .expectStatus().isOk().returnResult(SSE).getResponseBody().take(1).blockLast(Duration.ofSeconds(20));
    }

    @Test
    void only_stream_paths_get_tickets() {
        String erin = token("erin", Role.ENGINEER);
        for (String path : new String[] {"/api/v1/sessions", "/api/v1/sessions/01JD3Q7W8X9Y0Z1A2B3C4D5E6F",
                "/api/v1/admin/sessions/01JD3Q7W8X9Y0Z1A2B3C4D5E6F/events", "/api/v1/sessions/../admin/events",
                "/api/v1/sessions/01JD3Q7W8X9Y0Z1A2B3C4D5E6F/events?x=1", "https://evil.example.com/api/v1/sessions/x/events"}) {
            assertThat(errorCode(http.post().uri("/api/v1/stream-tickets").header(HttpHeaders.AUTHORIZATION, "Bearer " + erin)
                    .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("path", path)).exchange(), 400))
                    .as(path).isEqualTo("invalid_stream_path");
        }
        assertThat(errorCode(http.post().uri("/api/v1/stream-tickets").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("path", "/api/v1/sessions/01JD3Q7W8X9Y0Z1A2B3C4D5E6F/events")).exchange(), 401))
                .isEqualTo("unauthenticated");
    }

    @Test
    void without_configured_origins_there_are_no_cors_headers() {
        http.options().uri("/api/v1/sessions")
                .header(HttpHeaders.ORIGIN, "https://lab.example.edu")
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "GET")
                .exchange()
                .expectHeader().doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN);
    }

    private SessionStory provisioning(String user) {
        SessionStory s = new SessionStory(user);
        publish(s.requested());
        awaitProjected(s.id(), s.last());
        return s;
    }

    private Map<String, Object> ticket(String bearer, String path) {
        return http.post().uri("/api/v1/stream-tickets").header(HttpHeaders.AUTHORIZATION, "Bearer " + bearer)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("path", path))
                .exchange().expectStatus().isCreated().expectBody(JSON_OBJECT).returnResult().getResponseBody();
    }

    private static Jwt caller(String user) {
        return Jwt.withTokenValue("t").header("alg", "HS256").subject(user)
                .claim("roles", java.util.List.of("engineer")).build();
    }
}

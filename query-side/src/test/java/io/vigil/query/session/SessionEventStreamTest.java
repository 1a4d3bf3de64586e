package io.vigil.query.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.core.session.EndReason;
import io.vigil.core.session.HibernationReason;
import io.vigil.platform.security.Role;
import io.vigil.query.QuerySideIntegrationTest;
import io.vigil.query.SessionStory;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.TestPropertySource;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/** A user follows their session live while it is provisioned, until it is over. */
@TestPropertySource(properties = "vigil.query.sse-keepalive=300ms")
class SessionEventStreamTest extends QuerySideIntegrationTest {
    private static final Duration STREAM_WITHIN = Duration.ofSeconds(20);
    private static final ParameterizedTypeReference<ServerSentEvent<Map<String, Object>>> SSE = new ParameterizedTypeReference<>() {
    };

    @Test
    void activation_reaches_an_open_stream_with_the_guacamole_url() {
        SessionStory s = new SessionStory("alice");
        publish(s.requested(), s.reserved(921), s.cloned(), s.booted("10.2.2.2"));
        awaitProjected(s.id(), s.last());

        StepVerifier.create(views(s.id(), token("alice", Role.ENGINEER)))
                .assertNext(first -> {
                    assertThat(first.event()).isEqualTo("session");
                    assertThat(first.id()).isEqualTo("3");
                    assertThat(first.data()).containsEntry("status", "provisioning").containsEntry("guacamole_url", null);
                })
                .then(() -> publish(s.activated("55", "https://guac/#/client/NTU")))
                .assertNext(activated -> {
                    assertThat(activated.id()).isEqualTo("4");
                    assertThat(activated.data()).containsEntry("status", "active")
                            .containsEntry("guacamole_url", "https://guac/#/client/NTU")
                            .doesNotContainKeys("vmid", "guest_address", "connection_id");
                })
                .thenCancel()
                .verify(STREAM_WITHIN);
    }

    @Test
    void the_stream_ends_after_the_session_is_over() {
        SessionStory s = new SessionStory("bob");
        publish(s.requested(), s.reserved(922), s.cloned(), s.booted("10.2.2.3"), s.activated("56", "https://guac/#/client/NTY"));
        awaitProjected(s.id(), s.last());

        StepVerifier.create(views(s.id(), token("bob", Role.ENGINEER)))
                .assertNext(first -> assertThat(first.data()).containsEntry("status", "active"))
                .then(() -> publish(s.ending(EndReason.ENDED_BY_USER)))
                .assertNext(ending -> assertThat(ending.data()).containsEntry("status", "ending")
                        .containsEntry("guacamole_url", null).containsEntry("time_remaining_seconds", 0))
                .then(() -> publish(s.destroyed(), s.ended(EndReason.ENDED_BY_USER)))
                // VmDestroyed changes nothing a user sees except the sequence, so it may or may not show up
                .thenConsumeWhile(e -> "ending".equals(e.data().get("status")))
                .assertNext(ended -> assertThat(ended.data()).containsEntry("status", "ended"))
                .expectComplete()
                .verify(STREAM_WITHIN);
    }

    @Test
    void an_idle_warning_hibernation_and_resume_reach_an_open_stream() {
        SessionStory s = new SessionStory("fiona");
        publish(s.requested(), s.reserved(923), s.cloned(), s.booted("10.2.2.4"), s.activated("57", "https://guac/#/client/NTc"));
        awaitProjected(s.id(), s.last());

        StepVerifier.create(views(s.id(), token("fiona", Role.ENGINEER)))
                .assertNext(first -> assertThat(first.data()).containsEntry("status", "active")
                        .containsEntry("notice", null).containsEntry("hibernates_at", null))
                .then(() -> publish(s.idleWarning(Instant.now().minusSeconds(900), Instant.now().plusSeconds(300))))
                .assertNext(warned -> {
                    assertThat(warned.data()).containsEntry("status", "active")
                            .containsEntry("guacamole_url", "https://guac/#/client/NTc");
                    assertThat((String) warned.data().get("notice")).contains("hibernating in");
                    assertThat(warned.data().get("hibernates_at")).isNotNull();
                })
                .then(() -> publish(s.hibernating(HibernationReason.IDLE), s.hibernated()))
                // changes committed together may arrive as one event: "suspending" may or may not show up
                .thenConsumeWhile(e -> "suspending".equals(e.data().get("status")))
                .assertNext(hibernated -> {
                    assertThat(hibernated.data()).containsEntry("status", "hibernating")
                            .containsEntry("guacamole_url", null).containsEntry("hibernates_at", null)
                            .doesNotContainKeys("vmid", "guest_address", "connection_id");
                    assertThat((String) hibernated.data().get("notice")).startsWith("Hibernated (idle)");
                    assertThat(((Number) hibernated.data().get("time_remaining_seconds")).longValue()).isPositive();
                })
                .then(() -> publish(s.resuming(), s.resumed("58", "https://guac/#/client/NTg")))
                .thenConsumeWhile(e -> "resuming".equals(e.data().get("status")))
                .assertNext(resumed -> assertThat(resumed.data()).containsEntry("status", "active")
                        .containsEntry("guacamole_url", "https://guac/#/client/NTg").containsEntry("notice", null))
                .thenCancel()
                .verify(STREAM_WITHIN);
    }

    @Test
    void a_stream_opened_on_a_finished_session_answers_204_so_browsers_stop_reconnecting() {
        SessionStory failed = new SessionStory("carol");
        SessionStory ended = new SessionStory("carol");
        SessionStory expired = new SessionStory("carol");
        publish(failed.requested(), failed.failed("no template lock"));
        publish(ended.requested(), ended.ending(EndReason.ENDED_BY_USER), ended.ended(EndReason.ENDED_BY_USER));
        publish(expired.requested(), expired.ending(EndReason.EXPIRED), expired.ended(EndReason.EXPIRED));
        awaitProjected(failed.id(), failed.last());
        awaitProjected(ended.id(), ended.last());
        awaitProjected(expired.id(), expired.last());
        String carol = token("carol", Role.ENGINEER);

        for (SessionStory over : java.util.List.of(failed, ended, expired)) {
            http.get().uri("/api/v1/sessions/{id}/events", over.id())
                    .header(HttpHeaders.AUTHORIZATION, "Bearer " + carol)
                    .accept(MediaType.TEXT_EVENT_STREAM)
                    .exchange()
                    .expectStatus().isNoContent()
                    .expectBody().isEmpty();
        }
        // authorisation still comes first: someone else's finished session is a 403, not a 204
        assertThat(errorCode(get("/api/v1/sessions/" + failed.id() + "/events", token("mallory", Role.ENGINEER)), 403))
                .isEqualTo("not_session_owner");
    }

    @Test
    void an_idle_stream_sends_keep_alive_comments() {
        SessionStory s = new SessionStory("dave");
        publish(s.requested());
        awaitProjected(s.id(), s.last());

        StepVerifier.create(stream(s.id(), token("dave", Role.ENGINEER)))
                .assertNext(first -> assertThat(first.data()).containsEntry("status", "provisioning"))
                .assertNext(ping -> {
                    assertThat(ping.data()).isNull();
                    assertThat(ping.comment()).contains("keep-alive");
                })
                .thenCancel()
                .verify(STREAM_WITHIN);
    }

    @Test
    void someone_elses_stream_is_forbidden_and_an_unknown_one_not_found() {
        SessionStory s = new SessionStory("erin");
        publish(s.requested());
        awaitProjected(s.id(), s.last());
        String mallory = token("mallory", Role.ENGINEER);

        assertThat(errorCode(get("/api/v1/sessions/" + s.id() + "/events", mallory), 403)).isEqualTo("not_session_owner");
        assertThat(errorCode(get("/api/v1/sessions/" + new SessionStory("x").id() + "/events", mallory), 404))
                .isEqualTo("session_not_found");
    }

    /** The session events only, keep-alive comments left out. */
    private Flux<ServerSentEvent<Map<String, Object>>> views(String id, String token) {
        return stream(id, token).filter(e -> e.data() != null);
    }

    private Flux<ServerSentEvent<Map<String, Object>>> stream(String id, String token) {
        return http.get().uri("/api/v1/sessions/{id}/events", id)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .accept(MediaType.TEXT_EVENT_STREAM)
                .exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
                .expectHeader().valueEquals("X-Accel-Buffering", "no")
                .returnResult(SSE)
                .getResponseBody();
    }
}

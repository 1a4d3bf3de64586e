package io.vigil.query.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.platform.security.Role;
import io.vigil.query.QuerySideIntegrationTest;
import io.vigil.query.SessionStory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

/**
 * An event a projection cannot handle is set aside with the later events of its session, the rest of the read
 * model moves on, admins see why, and after the cause is fixed a retry projects what was set aside.
 */
class DeadLetterApiTest extends QuerySideIntegrationTest {

    @Test
    void a_poison_event_is_set_aside_for_its_session_only_and_projected_after_a_retry() {
        // a cause outside the handler's control, like a constraint the data does not meet yet
        jdbc.execute("ALTER TABLE session_view ADD CONSTRAINT no_poison CHECK (user_id <> 'poison')");
        SessionStory poisoned = new SessionStory("poison");
        SessionStory healthy = new SessionStory("alice");
        publish(poisoned.requested(), poisoned.reserved(931), poisoned.cloned());
        publish(healthy.requested(), healthy.reserved(932));
        String admin = token("root", Role.ADMIN);

        awaitProjected(healthy.id(), healthy.last());
        Map<String, Object> sessionViews = await().atMost(PROJECTED_WITHIN)
                .until(() -> group(admin, "session-views"), g -> ((Number) g.get("size")).intValue() == 3);

        assertThat(sessionViews).containsEntry("sequences", 1);
        List<Map<String, Object>> letters = letters(sessionViews);
        assertThat(letters).extracting(l -> l.get("event_type"))
                .containsExactly("SessionRequested", "VmIdReserved", "VmCloned");
        assertThat(letters).allSatisfy(l -> assertThat(l).containsEntry("aggregate_id", poisoned.id())
                .containsEntry("sequence_size", 3).containsKeys("event_id", "sequence_identifier", "last_touched"));
        assertThat(letters.get(0)).containsEntry("sequence_number", 0);
        assertThat((String) letters.get(0).get("cause_message")).contains("no_poison");
        assertThat((String) letters.get(0).get("cause_type")).isNotBlank().doesNotContain(".");
        assertThat(letters.get(0).get("enqueued_at")).isNotNull();
        assertThat(jdbc.queryForList("SELECT session_id FROM session_view WHERE session_id = ?", poisoned.id())).isEmpty();

        jdbc.execute("ALTER TABLE session_view DROP CONSTRAINT no_poison");
        Map<String, Object> report = http.post().uri("/api/v1/admin/dead-letters/session-views/retry")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + admin).exchange()
                .expectStatus().isOk().expectBody(JSON_OBJECT).returnResult().getResponseBody();

        assertThat(report).containsEntry("group", "session-views").containsEntry("retried_sequences", 1)
                .containsEntry("remaining_sequences", 0).containsEntry("remaining_letters", 0);
        assertThat(jdbc.queryForObject("SELECT last_sequence FROM session_view WHERE session_id = ?", Long.class,
                poisoned.id())).isEqualTo(poisoned.last());
        assertThat(group(admin, "session-views")).containsEntry("size", 0).containsEntry("letters", List.of());
    }

    @Test
    void every_projection_group_is_listed() {
        assertThat(getArray("/api/v1/admin/dead-letters", token("root", Role.ADMIN)))
                .extracting(g -> g.get("group")).contains("alert-views", "registry-views", "session-views");
    }

    @Test
    void an_unknown_group_is_a_404_and_engineers_may_not_look() {
        String admin = token("root", Role.ADMIN);
        assertThat(errorCode(http.post().uri("/api/v1/admin/dead-letters/no-such-group/retry")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + admin).exchange(), 404))
                .isEqualTo("processing_group_not_found");
        assertThat(errorCode(get("/api/v1/admin/dead-letters", token("alice", Role.ENGINEER)), 403)).isEqualTo("forbidden");
        assertThat(errorCode(http.post().uri("/api/v1/admin/dead-letters/session-views/retry")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token("alice", Role.ENGINEER)).exchange(), 403))
                .isEqualTo("forbidden");
    }

    private Map<String, Object> group(String admin, String name) {
        return getArray("/api/v1/admin/dead-letters", admin).stream()
                .filter(g -> name.equals(g.get("group"))).findFirst().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> letters(Map<String, Object> group) {
        return (List<Map<String, Object>>) group.get("letters");
    }
}

package io.vigil.query.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.core.session.EndReason;
import io.vigil.platform.security.Role;
import io.vigil.query.QuerySideIntegrationTest;
import io.vigil.query.SessionStory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Who may read which session, and what each role sees of it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionApiTest extends QuerySideIntegrationTest {
    private final SessionStory alicesFirst = new SessionStory("alice");
    private final SessionStory alicesSecond = new SessionStory("alice", "pve-2");
    private final SessionStory bobs = new SessionStory("bob");

    @BeforeAll
    void threeSessionsOfTwoUsers() {
        publish(alicesFirst.requested(), alicesFirst.ending(EndReason.ENDED_BY_USER), alicesFirst.ended(EndReason.ENDED_BY_USER));
        publish(alicesSecond.requested(), alicesSecond.reserved(911), alicesSecond.cloned(),
                alicesSecond.booted("10.1.1.1"), alicesSecond.activated("77", "https://guac/#/client/Nzc"));
        publish(bobs.requested());
        awaitProjected(alicesFirst.id(), alicesFirst.last());
        awaitProjected(alicesSecond.id(), alicesSecond.last());
        awaitProjected(bobs.id(), bobs.last());
    }

    @Test
    void own_list_shows_only_the_callers_sessions_newest_first() {
        List<Map<String, Object>> sessions = getArray("/api/v1/sessions", token("alice", Role.ENGINEER));

        assertThat(sessions).extracting(s -> s.get("id")).containsExactly(alicesSecond.id(), alicesFirst.id());
    }

    @Test
    void own_list_can_be_narrowed_by_status() {
        List<Map<String, Object>> active = getArray("/api/v1/sessions?status=active", token("alice", Role.ENGINEER));

        assertThat(active).extracting(s -> s.get("id")).containsExactly(alicesSecond.id());
    }

    @Test
    void own_list_refuses_an_unknown_status() {
        assertThat(errorCode(get("/api/v1/sessions?status=running", token("alice", Role.ENGINEER)), 400))
                .isEqualTo("invalid_status");
    }

    @Test
    void someone_elses_session_is_forbidden() {
        assertThat(errorCode(get("/api/v1/sessions/" + bobs.id(), token("alice", Role.ENGINEER)), 403))
                .isEqualTo("not_session_owner");
    }

    @Test
    void admins_may_read_anyones_session() {
        assertThat(getObject("/api/v1/sessions/" + bobs.id(), token("root", Role.ADMIN))).containsEntry("id", bobs.id());
    }

    @Test
    void an_unknown_session_is_not_found_and_a_malformed_id_is_bad_input() {
        String alice = token("alice", Role.ENGINEER);
        assertThat(errorCode(get("/api/v1/sessions/" + new SessionStory("x").id(), alice), 404)).isEqualTo("session_not_found");
        assertThat(errorCode(get("/api/v1/sessions/not-a-ulid", alice), 400)).isEqualTo("invalid_session_id");
    }

    @Test
    void reading_sessions_needs_a_token() {
        assertThat(errorCode(http.get().uri("/api/v1/sessions").exchange(), 401)).isEqualTo("unauthenticated");
    }

    @Test
    void auditors_cannot_use_the_engineers_session_api() {
        assertThat(errorCode(get("/api/v1/sessions", token("audrey", Role.AUDITOR)), 403)).isEqualTo("forbidden");
    }

    @Test
    void engineers_see_their_session_without_vmid_guest_address_or_connection_id() {
        Map<String, Object> view = getObject("/api/v1/sessions/" + alicesSecond.id(), token("alice", Role.ENGINEER));

        assertThat(view).containsOnlyKeys("id", "status", "template", "node_name", "requested_at", "expires_at",
                "time_remaining_seconds", "guacamole_url", "failure_code", "failure_reason", "hibernates_at", "notice",
                "session_type", "kept_vm");
        assertThat(view).containsEntry("status", "active").containsEntry("node_name", "pve-2")
                .containsEntry("guacamole_url", "https://guac/#/client/Nzc")
                .containsEntry("expires_at", alicesSecond.expiresAt.toString())
                .containsEntry("hibernates_at", null).containsEntry("notice", null);
        assertThat(view.toString()).doesNotContain("10.1.1.1").doesNotContain("911");
    }

    @Test
    void admins_see_every_session_with_its_internals() {
        List<Map<String, Object>> all = getArray("/api/v1/admin/sessions", token("root", Role.ADMIN));

        assertThat(all).extracting(s -> s.get("id")).containsExactly(bobs.id(), alicesSecond.id(), alicesFirst.id());
        assertThat(all.get(1)).containsEntry("user_id", "alice").containsEntry("vmid", 911)
                .containsEntry("guest_address", "10.1.1.1").containsEntry("connection_id", "77")
                .containsKeys("failure_code", "failure_reason", "retry_attempt", "last_error", "hibernates_at",
                        "hibernated_at", "hibernation_reason", "resume_failure", "teardown_started_at", "vm_abandoned");
    }

    @Test
    void admins_narrow_everyones_sessions_by_user_status_and_limit() {
        String admin = token("root", Role.ADMIN);
        assertThat(getArray("/api/v1/admin/sessions?user=alice", admin)).extracting(s -> s.get("id"))
                .containsExactly(alicesSecond.id(), alicesFirst.id());
        assertThat(getArray("/api/v1/admin/sessions?user=alice&status=ended", admin)).extracting(s -> s.get("id"))
                .containsExactly(alicesFirst.id());
        assertThat(getArray("/api/v1/admin/sessions?limit=1", admin)).extracting(s -> s.get("id"))
                .containsExactly(bobs.id());
    }

    @Test
    void admin_list_refuses_a_limit_out_of_range_or_not_a_number() {
        String admin = token("root", Role.ADMIN);
        assertThat(errorCode(get("/api/v1/admin/sessions?limit=1001", admin), 400)).isEqualTo("invalid_limit");
        assertThat(errorCode(get("/api/v1/admin/sessions?limit=0", admin), 400)).isEqualTo("invalid_limit");
        assertThat(errorCode(get("/api/v1/admin/sessions?limit=ten", admin), 400)).isEqualTo("invalid_limit");
    }

    @Test
    void engineers_cannot_read_everyones_sessions() {
        assertThat(errorCode(get("/api/v1/admin/sessions", token("alice", Role.ENGINEER)), 403)).isEqualTo("forbidden");
    }
}

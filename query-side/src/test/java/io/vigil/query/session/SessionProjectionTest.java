package io.vigil.query.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.core.session.EndReason;
import io.vigil.core.session.SessionActivated;
import io.vigil.core.session.SessionEnding;
import io.vigil.core.session.SessionRequested;
import io.vigil.core.session.VmBooted;
import io.vigil.core.session.VmCloned;
import io.vigil.core.session.VmIdReserved;
import io.vigil.platform.security.Role;
import io.vigil.query.QuerySideIntegrationTest;
import io.vigil.query.SessionStory;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.axonframework.eventhandling.DomainEventMessage;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The session view follows the aggregate's events, and events handled again cannot roll it back. */
class SessionProjectionTest extends QuerySideIntegrationTest {
    @Autowired
    SessionViewProjection projection;

    @Test
    void full_lifecycle_is_projected_from_request_to_end() {
        SessionStory s = new SessionStory("alice");
        String alice = token("alice", Role.ENGINEER);
        String admin = token("root", Role.ADMIN);

        publish(s.requested());
        awaitProjected(s.id(), s.last());
        Map<String, Object> requested = getObject("/api/v1/sessions/" + s.id(), alice);
        assertThat(requested).containsEntry("status", "provisioning").containsEntry("node_name", "pve-1")
                .containsEntry("guacamole_url", null)
                .containsEntry("template", Map.of("name", "Ubuntu 22.04", "os_type", "linux", "protocol", "ssh"));
        assertThat(((Number) requested.get("time_remaining_seconds")).longValue()).isBetween(3500L, 3600L);

        publish(s.reserved(901), s.cloned(), s.booted("10.0.0.17"), s.activated("42", "https://guac/#/client/NDI"));
        awaitProjected(s.id(), s.last());
        assertThat(getObject("/api/v1/sessions/" + s.id(), alice))
                .containsEntry("status", "active").containsEntry("guacamole_url", "https://guac/#/client/NDI");
        assertThat(getObject("/api/v1/admin/sessions/" + s.id(), admin))
                .containsEntry("vmid", 901).containsEntry("guest_address", "10.0.0.17")
                .containsEntry("connection_id", "42").containsEntry("vm_held", true);

        publish(s.ending(EndReason.ENDED_BY_USER));
        awaitProjected(s.id(), s.last());
        assertThat(getObject("/api/v1/sessions/" + s.id(), alice))
                .containsEntry("status", "ending").containsEntry("guacamole_url", null)
                .containsEntry("time_remaining_seconds", 0);

        publish(s.destroyed(), s.ended(EndReason.ENDED_BY_USER));
        awaitProjected(s.id(), s.last());
        assertThat(getObject("/api/v1/sessions/" + s.id(), alice))
                .containsEntry("status", "ended").containsEntry("guacamole_url", null)
                .containsEntry("time_remaining_seconds", 0);
        Map<String, Object> internals = getObject("/api/v1/admin/sessions/" + s.id(), admin);
        assertThat(internals).containsEntry("vm_held", false).containsEntry("vmid", 901);
        assertThat(internals.get("ended_at")).isNotNull();
    }

    @Test
    void a_session_that_reaches_its_end_time_shows_as_expired() {
        SessionStory s = new SessionStory("erin");
        publish(s.requested(), s.ending(EndReason.EXPIRED), s.ended(EndReason.EXPIRED));
        awaitProjected(s.id(), s.last());

        assertThat(getObject("/api/v1/sessions/" + s.id(), token("erin", Role.ENGINEER)))
                .containsEntry("status", "expired").containsEntry("time_remaining_seconds", 0);
    }

    @Test
    void provisioning_that_gives_up_shows_the_reason_to_the_user_and_the_retries_to_admins() {
        SessionStory s = new SessionStory("bob");
        String admin = token("root", Role.ADMIN);
        publish(s.requested(), s.reserved(902), s.retry(1, "can't lock file - got timeout"));
        awaitProjected(s.id(), s.last());
        assertThat(getObject("/api/v1/admin/sessions/" + s.id(), admin))
                .containsEntry("status", "provisioning").containsEntry("retry_attempt", 1)
                .containsEntry("last_error", "can't lock file - got timeout");

        publish(s.failed("clone failed 3 times"), s.alert("Session failed on pve-1: clone failed 3 times"));
        awaitProjected(s.id(), s.last() - 1);
        assertThat(getObject("/api/v1/sessions/" + s.id(), token("bob", Role.ENGINEER)))
                .containsEntry("status", "failed").containsEntry("failure_reason", "clone failed 3 times")
                .containsEntry("guacamole_url", null).containsEntry("time_remaining_seconds", 0);
        assertThat(getObject("/api/v1/admin/sessions/" + s.id(), admin)).containsEntry("vm_held", true);

        // teardown removes the half-made VM after the failure: the session stays failed, the VM is released
        publish(s.destroyed());
        awaitProjected(s.id(), s.last());
        assertThat(getObject("/api/v1/admin/sessions/" + s.id(), admin))
                .containsEntry("status", "failed").containsEntry("vm_held", false);
    }

    @Test
    void the_same_events_handled_twice_leave_the_view_as_handling_them_once() {
        SessionStory s = new SessionStory("carol");
        List<DomainEventMessage<?>> story = List.of(s.requested(), s.reserved(903), s.cloned(), s.booted("10.0.0.3"),
                s.activated("7", "https://guac/#/client/Nw"));
        story.forEach(this::handle);
        Map<String, Object> once = row(s.id());

        story.forEach(this::handle);

        assertThat(row(s.id())).isEqualTo(once);
        assertThat(once).containsEntry("status", "active").containsEntry("last_sequence", 4L);
    }

    @Test
    void an_older_event_handled_after_a_newer_one_does_not_roll_the_view_back() {
        SessionStory s = new SessionStory("dave");
        var requested = s.requested();
        var reserved = s.reserved(904);
        var cloned = s.cloned();
        var booted = s.booted("10.0.0.4");
        var activated = s.activated("8", "https://guac/#/client/OA");
        var ending = s.ending(EndReason.ENDED_BY_USER);
        List.of(requested, reserved, cloned, booted, activated, ending).forEach(this::handle);

        // a stale claim re-delivers what came before: the activation, the boot, even the request
        List.of(activated, booted, requested).forEach(this::handle);

        assertThat(row(s.id())).containsEntry("status", "ending").containsEntry("last_sequence", 5L)
                .containsEntry("connection_id", "8").containsEntry("vmid", 904);
    }

    private Map<String, Object> row(String id) {
        return jdbc.queryForMap("SELECT * FROM session_view WHERE session_id = ?", id);
    }

    /** Calls the projection the way Axon does, outside Axon, so the same message can be handed over twice. */
    private void handle(DomainEventMessage<?> message) {
        long seq = message.getSequenceNumber();
        Instant at = message.getTimestamp();
        Object event = message.getPayload();
        if (event instanceof SessionRequested e) {
            projection.on(e, seq, at);
        } else if (event instanceof VmIdReserved e) {
            projection.on(e, seq, at);
        } else if (event instanceof VmCloned e) {
            projection.on(e, seq, at);
        } else if (event instanceof VmBooted e) {
            projection.on(e, seq, at);
        } else if (event instanceof SessionActivated e) {
            projection.on(e, seq, at);
        } else if (event instanceof SessionEnding e) {
            projection.on(e, seq, at);
        } else {
            throw new IllegalArgumentException("not used here: " + message.getPayloadType());
        }
    }
}

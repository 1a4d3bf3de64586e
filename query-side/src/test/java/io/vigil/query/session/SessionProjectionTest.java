package io.vigil.query.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.core.session.EndReason;
import io.vigil.core.session.HibernationFailed;
import io.vigil.core.session.HibernationReason;
import io.vigil.core.session.HibernationStarted;
import io.vigil.core.session.IdleWarningCancelled;
import io.vigil.core.session.IdleWarningIssued;
import io.vigil.core.session.ResumeFailed;
import io.vigil.core.session.ResumeStarted;
import io.vigil.core.session.SessionActivated;
import io.vigil.core.session.SessionEnding;
import io.vigil.core.session.SessionHibernated;
import io.vigil.core.session.SessionRequested;
import io.vigil.core.session.SessionResumed;
import io.vigil.core.session.VmBooted;
import io.vigil.core.session.VmCloned;
import io.vigil.core.session.VmIdReserved;
import io.vigil.platform.security.Role;
import io.vigil.query.QuerySideIntegrationTest;
import io.vigil.query.SessionStory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
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

        publish(s.failed("Proxmox task failed: clone failed: rbd error on pve-1 (UPID:pve-1:00001)"),
                s.alert("Session failed on pve-1: clone failed 3 times"));
        awaitProjected(s.id(), s.last() - 1);
        Map<String, Object> engineer = getObject("/api/v1/sessions/" + s.id(), token("bob", Role.ENGINEER));
        assertThat(engineer).containsEntry("status", "failed").containsEntry("failure_code", "clone_failed")
                .containsEntry("failure_reason", "The VM could not be created from its template.")
                .containsEntry("guacamole_url", null).containsEntry("time_remaining_seconds", 0);
        assertThat(engineer.toString()).doesNotContain("UPID").doesNotContain("rbd").doesNotContain("902");
        assertThat(getObject("/api/v1/admin/sessions/" + s.id(), admin)).containsEntry("vm_held", true)
                .containsEntry("failure_code", "clone_failed")
                .containsEntry("failure_reason", "Proxmox task failed: clone failed: rbd error on pve-1 (UPID:pve-1:00001)");

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

    @Test
    void an_idle_warning_shows_when_the_session_hibernates_and_goes_away_on_activity() {
        SessionStory s = activeSession("fiona", 905, "9");
        String fiona = token("fiona", Role.ENGINEER);
        Instant idleSince = Instant.parse("2026-11-21T10:02:00Z");
        Instant hibernatesAt = Instant.now().plus(Duration.ofMinutes(5)).truncatedTo(ChronoUnit.MILLIS);

        publish(s.idleWarning(idleSince, hibernatesAt));
        awaitProjected(s.id(), s.last());
        assertThat(getObject("/api/v1/sessions/" + s.id(), fiona))
                .containsEntry("status", "active").containsEntry("guacamole_url", "https://guac/#/client/OQ")
                .containsEntry("hibernates_at", hibernatesAt.toString())
                .containsEntry("notice", "No activity since 10:02 UTC: hibernating in 5 minutes unless you use it");
        assertThat(getObject("/api/v1/admin/sessions/" + s.id(), token("root", Role.ADMIN)))
                .containsEntry("hibernates_at", hibernatesAt.toString());

        publish(s.idleWarningCancelled());
        awaitProjected(s.id(), s.last());
        assertThat(getObject("/api/v1/sessions/" + s.id(), fiona))
                .containsEntry("status", "active").containsEntry("hibernates_at", null).containsEntry("notice", null);
        assertThat(row(s.id())).containsEntry("idle_since", null).containsEntry("hibernates_at", null);
    }

    @Test
    void a_hibernated_session_keeps_its_clock_and_comes_back_active_with_a_new_client_url() {
        SessionStory s = activeSession("gina", 906, "10");
        String gina = token("gina", Role.ENGINEER);
        String admin = token("root", Role.ADMIN);

        publish(s.hibernating(HibernationReason.REQUESTED));
        awaitProjected(s.id(), s.last());
        assertThat(getObject("/api/v1/sessions/" + s.id(), gina))
                .containsEntry("status", "suspending").containsEntry("guacamole_url", null)
                .containsEntry("notice", "Hibernating…");

        publish(s.hibernated());
        awaitProjected(s.id(), s.last());
        Map<String, Object> hibernating = getObject("/api/v1/sessions/" + s.id(), gina);
        assertThat(hibernating).containsOnlyKeys("id", "status", "template", "node_name", "requested_at",
                        "expires_at", "time_remaining_seconds", "guacamole_url", "failure_code", "failure_reason",
                        "hibernates_at", "notice", "session_type", "kept_vm")
                .containsEntry("status", "hibernating").containsEntry("guacamole_url", null)
                .containsEntry("hibernates_at", null)
                .containsEntry("notice", "Hibernated (requested): resume it with POST /api/v1/sessions/" + s.id() + "/resume");
        assertThat(((Number) hibernating.get("time_remaining_seconds")).longValue()).isBetween(3500L, 3600L);
        assertThat(hibernating.toString()).doesNotContain("10.0.0.6").doesNotContain("client/MTA");
        Map<String, Object> internals = getObject("/api/v1/admin/sessions/" + s.id(), admin);
        assertThat(internals).containsEntry("status", "hibernating").containsEntry("hibernation_reason", "requested")
                .containsEntry("connection_id", null).containsEntry("guacamole_url", null)
                .containsEntry("vm_held", true).containsEntry("resume_failure", null);
        assertThat(internals.get("hibernated_at")).isNotNull();

        publish(s.resuming());
        awaitProjected(s.id(), s.last());
        assertThat(getObject("/api/v1/sessions/" + s.id(), gina))
                .containsEntry("status", "resuming").containsEntry("guacamole_url", null)
                .containsEntry("notice", "Resuming…");

        publish(s.resumed("11", "https://guac/#/client/MTE"));
        awaitProjected(s.id(), s.last());
        assertThat(getObject("/api/v1/sessions/" + s.id(), gina))
                .containsEntry("status", "active").containsEntry("guacamole_url", "https://guac/#/client/MTE")
                .containsEntry("notice", null);
        assertThat(getObject("/api/v1/admin/sessions/" + s.id(), admin))
                .containsEntry("connection_id", "11").containsEntry("hibernated_at", null)
                .containsEntry("hibernation_reason", null);
    }

    @Test
    void a_failed_resume_leaves_the_session_hibernating_with_the_reason_until_the_next_try() {
        SessionStory s = activeSession("hana", 907, "12");
        String hana = token("hana", Role.ENGINEER);
        String admin = token("root", Role.ADMIN);

        publish(s.idleWarning(Instant.now().minusSeconds(600), Instant.now().plusSeconds(300)),
                s.hibernating(HibernationReason.IDLE), s.hibernated(), s.resuming(),
                s.resumeFailed("Gave up after 30 s waiting for the guest of VM 907 to answer on its ssh port"));
        awaitProjected(s.id(), s.last());
        Map<String, Object> failedResume = getObject("/api/v1/sessions/" + s.id(), hana);
        assertThat(failedResume)
                .containsEntry("status", "hibernating").containsEntry("guacamole_url", null)
                .containsEntry("hibernates_at", null).containsEntry("failure_code", "resume_timed_out")
                .containsEntry("notice", "Resume failed: The VM did not come back in time. You can try again.");
        assertThat(failedResume.toString()).doesNotContain("907");
        assertThat(getObject("/api/v1/admin/sessions/" + s.id(), admin))
                .containsEntry("hibernation_reason", "idle")
                .containsEntry("resume_failure", "Gave up after 30 s waiting for the guest of VM 907 to answer on its ssh port");

        publish(s.resuming());
        awaitProjected(s.id(), s.last());
        assertThat(getObject("/api/v1/admin/sessions/" + s.id(), admin))
                .containsEntry("status", "resuming").containsEntry("resume_failure", null)
                .containsEntry("failure_code", null);
    }

    @Test
    void a_session_ended_after_a_failed_resume_no_longer_shows_that_failure() {
        SessionStory s = activeSession("lena", 911, "16");

        publish(s.hibernating(HibernationReason.IDLE), s.hibernated(), s.resuming(), s.resumeFailed("no"),
                s.ending(EndReason.ENDED_BY_USER), s.teardown(), s.ended(EndReason.ENDED_BY_USER));
        awaitProjected(s.id(), s.last());

        assertThat(getObject("/api/v1/sessions/" + s.id(), token("lena", Role.ENGINEER)))
                .containsEntry("status", "ended").containsEntry("failure_code", null).containsEntry("notice", null);
        assertThat(getObject("/api/v1/admin/sessions/" + s.id(), token("root", Role.ADMIN)))
                .containsEntry("resume_failure", null);
    }

    @Test
    void a_session_whose_vm_vanished_outside_vigil_ends_and_says_why() {
        SessionStory s = activeSession("jack", 909, "14");
        String admin = token("root", Role.ADMIN);

        publish(s.lost("VM 909 is not in the cluster (removed outside Vigil)"), s.alert("gone"),
                s.ending(io.vigil.core.session.EndReason.VM_LOST), s.teardown(),
                s.ended(io.vigil.core.session.EndReason.VM_LOST));
        awaitProjected(s.id(), s.last());

        Map<String, Object> view = getObject("/api/v1/sessions/" + s.id(), token("jack", Role.ENGINEER));
        assertThat(view).containsEntry("status", "ended").containsEntry("failure_code", "vm_lost")
                .containsEntry("failure_reason", "The VM was removed outside Vigil.");
        assertThat(getObject("/api/v1/admin/sessions/" + s.id(), admin)).containsEntry("vm_held", false)
                .containsEntry("last_error", "VM 909 is not in the cluster (removed outside Vigil)");
    }

    @Test
    void a_vm_abandoned_by_teardown_is_no_longer_held_by_its_session() {
        SessionStory s = activeSession("kate", 910, "15");
        String admin = token("root", Role.ADMIN);

        publish(s.ending(io.vigil.core.session.EndReason.ENDED_BY_USER), s.teardown(),
                s.abandoned("VM is locked (backup)"), s.ended(io.vigil.core.session.EndReason.ENDED_BY_USER));
        awaitProjected(s.id(), s.last());

        assertThat(getObject("/api/v1/admin/sessions/" + s.id(), admin)).containsEntry("status", "ended")
                .containsEntry("vm_held", false).containsEntry("vm_abandoned", "VM is locked (backup)");
        assertThat(getObject("/api/v1/admin/sessions/" + s.id(), admin).get("teardown_started_at")).isNotNull();
    }

    @Test
    void a_failed_hibernation_leaves_the_session_active_with_its_connection() {
        SessionStory s = activeSession("iris", 908, "13");

        publish(s.hibernating(HibernationReason.IDLE), s.hibernationFailed("suspend timed out"));
        awaitProjected(s.id(), s.last());

        assertThat(getObject("/api/v1/sessions/" + s.id(), token("iris", Role.ENGINEER)))
                .containsEntry("status", "active").containsEntry("guacamole_url", "https://guac/#/client/MTM")
                .containsEntry("notice", null);
        assertThat(getObject("/api/v1/admin/sessions/" + s.id(), token("root", Role.ADMIN)))
                .containsEntry("connection_id", "13").containsEntry("last_error", "suspend timed out")
                .containsEntry("hibernation_reason", null);
    }

    @Test
    void hibernation_events_handled_twice_or_late_do_not_move_the_view() {
        SessionStory s = new SessionStory("jane");
        var warned = s.idleWarning(Instant.now().minusSeconds(600), Instant.now().plusSeconds(300));
        List<DomainEventMessage<?>> story = List.of(s.requested(), s.reserved(909), s.cloned(), s.booted("10.0.0.9"),
                s.activated("14", "https://guac/#/client/MTQ"), warned, s.idleWarningCancelled(),
                s.hibernating(HibernationReason.REQUESTED), s.hibernationFailed("lock timeout"),
                s.hibernating(HibernationReason.REQUESTED), s.hibernated(), s.resuming(), s.resumeFailed("no"),
                s.resuming(), s.resumed("15", "https://guac/#/client/MTU"));
        story.forEach(this::handle);
        Map<String, Object> once = row(s.id());

        story.forEach(this::handle);
        handle(warned);

        assertThat(row(s.id())).isEqualTo(once);
        assertThat(once).containsEntry("status", "active").containsEntry("connection_id", "15")
                .containsEntry("hibernates_at", null).containsEntry("resume_failure", null)
                .containsEntry("last_sequence", 14L);
    }

    private SessionStory activeSession(String user, int vmid, String connectionId) {
        SessionStory s = new SessionStory(user);
        String url = "https://guac/#/client/" + Base64.getEncoder().withoutPadding()
                .encodeToString(connectionId.getBytes(StandardCharsets.UTF_8));
        publish(s.requested(), s.reserved(vmid), s.cloned(), s.booted("10.0.0." + (vmid - 900)), s.activated(connectionId, url));
        awaitProjected(s.id(), s.last());
        return s;
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
        } else if (event instanceof IdleWarningIssued e) {
            projection.on(e, seq, at);
        } else if (event instanceof IdleWarningCancelled e) {
            projection.on(e, seq, at);
        } else if (event instanceof HibernationStarted e) {
            projection.on(e, seq, at);
        } else if (event instanceof SessionHibernated e) {
            projection.on(e, seq, at);
        } else if (event instanceof HibernationFailed e) {
            projection.on(e, seq, at);
        } else if (event instanceof ResumeStarted e) {
            projection.on(e, seq, at);
        } else if (event instanceof SessionResumed e) {
            projection.on(e, seq, at);
        } else if (event instanceof ResumeFailed e) {
            projection.on(e, seq, at);
        } else {
            throw new IllegalArgumentException("not used here: " + message.getPayloadType());
        }
    }
}

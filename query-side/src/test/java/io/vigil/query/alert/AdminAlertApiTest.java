package io.vigil.query.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.core.session.AdminAlertRaised;
import io.vigil.platform.security.Role;
import io.vigil.query.QuerySideIntegrationTest;
import io.vigil.query.SessionStory;
import java.util.List;
import java.util.Map;
import org.axonframework.eventhandling.DomainEventMessage;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Admins learn about sessions that failed for good and VMs left behind. */
class AdminAlertApiTest extends QuerySideIntegrationTest {
    @Autowired
    AdminAlertProjection projection;

    @Test
    void admins_see_alerts_newest_first_and_per_session() {
        SessionStory failed = new SessionStory("alice");
        SessionStory leftBehind = new SessionStory("bob");
        publish(failed.requested(), failed.failed("clone failed"), failed.alert("Session failed on pve-1: clone failed"));
        awaitAlerts(1);
        publish(leftBehind.requested(), leftBehind.alert("VM 944 on pve-1 could not be removed"));
        awaitAlerts(2);
        String admin = token("root", Role.ADMIN);

        List<Map<String, Object>> alerts = getArray("/api/v1/admin/alerts", admin);
        assertThat(alerts).extracting(a -> a.get("session_id")).containsExactly(leftBehind.id(), failed.id());
        assertThat(alerts.get(1)).containsEntry("message", "Session failed on pve-1: clone failed")
                .containsKeys("id", "raised_at");
        assertThat(getArray("/api/v1/admin/alerts?session_id=" + failed.id(), admin))
                .extracting(a -> a.get("session_id")).containsExactly(failed.id());
        assertThat(getArray("/api/v1/admin/alerts?limit=1", admin)).hasSize(1);
    }

    @Test
    void an_alert_handled_twice_is_listed_once() {
        SessionStory s = new SessionStory("carol");
        s.requested();
        DomainEventMessage<AdminAlertRaised> alert = s.alert("VM 945 on pve-2 could not be removed");

        projection.on(alert.getPayload(), alert, alert.getTimestamp());
        projection.on(alert.getPayload(), alert, alert.getTimestamp());

        assertThat(getArray("/api/v1/admin/alerts?session_id=" + s.id(), token("root", Role.ADMIN))).hasSize(1);
    }

    @Test
    void alerts_refuse_a_malformed_session_filter() {
        assertThat(errorCode(get("/api/v1/admin/alerts?session_id=nope", token("root", Role.ADMIN)), 400))
                .isEqualTo("invalid_session_id");
    }

    @Test
    void engineers_cannot_see_alerts() {
        assertThat(errorCode(get("/api/v1/admin/alerts", token("alice", Role.ENGINEER)), 403)).isEqualTo("forbidden");
    }

    private void awaitAlerts(int n) {
        await().atMost(PROJECTED_WITHIN).until(() -> jdbc.queryForObject("SELECT count(*) FROM admin_alert", Long.class) >= n);
    }
}

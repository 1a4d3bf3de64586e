package io.vigil.command.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.platform.test.TestServices;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * Installing this version over the previous one (its schema ends at V102) with sessions in flight: their VMID,
 * type, ending time and whether their teardown keeps the VM, which the older version did not record, are read
 * from their events.
 */
class UpgradeBackfillTest {
    private final String url = TestServices.freshDatabase();
    private final JdbcTemplate jdbc = new JdbcTemplate(new SimpleDriverDataSource(new org.postgresql.Driver(), url, "postgres", ""));

    private Flyway flyway(String target) {
        return Flyway.configure().dataSource(url, "postgres", "")
                .locations("classpath:db/vigil/core", "classpath:db/vigil/command")
                .outOfOrder(true).ignoreMigrationPatterns("*:missing").target(target).load();
    }

    @Test
    void sessions_in_flight_get_their_last_vmid_type_and_ending_time_from_their_events() {
        flyway("102").migrate();
        session("active", "ACTIVE");
        event("active", 0, "SessionRequested", "{\"sessionId\":{\"value\":\"active\"},\"sessionType\":\"PERSISTENT\"}", "2026-11-30T09:00:00Z");
        event("active", 1, "VmIdReserved", "{\"sessionId\":{\"value\":\"active\"},\"node\":{\"value\":\"pve-2\"},\"vmid\":10041}", "2026-11-30T09:00:01Z");
        // the first VMID was lost to another clone: the saga reserved another
        event("active", 2, "VmIdReserved", "{\"sessionId\":{\"value\":\"active\"},\"node\":{\"value\":\"pve-2\"},\"vmid\":10042}", "2026-11-30T09:00:02Z");
        session("ending", "ENDING");
        event("ending", 0, "SessionRequested", "{\"sessionType\":\"EPHEMERAL\"}", "2026-11-30T09:00:00Z");
        event("ending", 1, "VmIdReserved", "{\"vmid\":10043}", "2026-11-30T09:00:01Z");
        event("ending", 2, "SessionEnding", "{\"reason\":\"EXPIRED\"}", "2026-11-30T10:00:00.250Z");
        session("destroyed", "ENDING");
        event("destroyed", 0, "VmIdReserved", "{\"vmid\":10044}", "2026-11-30T09:00:01Z");
        event("destroyed", 1, "SessionFailed", "{\"reason\":\"clone failed\"}", "2026-11-30T09:05:00Z");
        event("destroyed", 2, "VmDestroyed", "{\"vmid\":10044}", "2026-11-30T09:06:00Z");
        session("keeping", "ENDING");
        event("keeping", 0, "TeardownStarted", "{\"keep\":true,\"keptVmId\":null}", "2026-11-30T09:30:00Z");
        session("returning", "ENDING");
        event("returning", 0, "TeardownStarted", "{\"keep\":true,\"keptVmId\":\"vigil-keep-alice-1\"}", "2026-11-30T09:30:00Z");
        session("over", "GONE");
        event("over", 0, "VmIdReserved", "{\"vmid\":10045}", "2026-11-30T09:00:01Z");

        flyway("latest").migrate();

        assertThat(row("active")).containsEntry("vmid", 10042).containsEntry("session_type", "PERSISTENT")
                .containsEntry("ending_since", null);
        assertThat(row("ending")).containsEntry("vmid", 10043).containsEntry("session_type", "EPHEMERAL");
        assertThat(row("ending").get("ending_since").toString()).startsWith("2026-11-30 10:00:00.25");
        assertThat(row("destroyed")).containsEntry("vmid", null);
        assertThat(row("destroyed").get("ending_since").toString()).startsWith("2026-11-30 09:05:00");
        assertThat(row("over")).containsEntry("vmid", null);
        assertThat(row("keeping")).as("a VM being kept counts toward the limit").containsEntry("keeps", true);
        assertThat(row("returning")).as("a kept VM going back is counted as kept already").containsEntry("keeps", false);
        assertThat(row("active")).containsEntry("keeps", false);
    }

    private void session(String id, String state) {
        jdbc.update("INSERT INTO admission_session (session_id, user_id, node, ram_mb, state) VALUES (?, 'alice', 'pve-2', 4096, ?)",
                id, state);
    }

    private void event(String aggregate, long sequence, String type, String payload, String timestamp) {
        jdbc.update("""
                INSERT INTO domainevententry (aggregateidentifier, sequencenumber, type, eventidentifier, payload,
                    payloadtype, "timestamp") VALUES (?, ?, 'VmSession', ?, ?, ?, ?)""",
                aggregate, sequence, UUID.randomUUID().toString(), payload.getBytes(StandardCharsets.UTF_8),
                "io.vigil.core.session." + type, timestamp);
    }

    private Map<String, Object> row(String id) {
        return jdbc.queryForMap("SELECT vmid, session_type, ending_since AT TIME ZONE 'UTC' AS ending_since, keeps"
                + " FROM admission_session WHERE session_id = ?", id);
    }
}

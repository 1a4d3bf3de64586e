package io.vigil.command.admission;

import io.vigil.core.UserId;
import io.vigil.core.node.NodeChanged;
import io.vigil.core.node.NodeRegistered;
import io.vigil.core.node.NodeSpec;
import io.vigil.core.session.HibernationFailed;
import io.vigil.core.session.HibernationStarted;
import io.vigil.core.session.ResumeFailed;
import io.vigil.core.session.ResumeStarted;
import io.vigil.core.session.SessionActivated;
import io.vigil.core.session.SessionHibernated;
import io.vigil.core.session.SessionId;
import io.vigil.core.session.SessionResumed;
import io.vigil.core.session.SessionEnded;
import io.vigil.core.session.SessionEnding;
import io.vigil.core.session.SessionFailed;
import io.vigil.core.session.SessionRequested;
import io.vigil.core.session.VmDestroyed;
import io.vigil.core.template.OsType;
import io.vigil.core.template.Protocol;
import io.vigil.core.template.TemplateChanged;
import io.vigil.core.template.TemplateId;
import io.vigil.core.template.TemplateRegistered;
import io.vigil.core.template.TemplateSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * What admission needs to decide a request or a resume: templates, nodes, and which sessions hold quota or a VM
 * (and RAM still to be taken: provisioning and resuming sessions). It runs
 * as a subscribing processor, inside the transaction that appends the event, so it is never behind the events.
 */
@Component
@ProcessingGroup("admission-ledger")
public class AdmissionLedger {
    /** SQL list of the states that hold quota (SessionStatus.countsTowardQuota). */
    private static final String COUNTS_TOWARD_QUOTA = "('PROVISIONING', 'ACTIVE', 'SUSPENDING', 'RESUMING')";
    private final JdbcTemplate jdbc;

    public AdmissionLedger(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(TemplateRegistered event) {
        saveTemplate(event.templateId(), event.spec());
    }

    @EventHandler
    void on(TemplateChanged event) {
        saveTemplate(event.templateId(), event.spec());
    }

    @EventHandler
    void on(NodeRegistered event) {
        saveNode(event.node().value(), event.spec());
    }

    @EventHandler
    void on(NodeChanged event) {
        saveNode(event.node().value(), event.spec());
    }

    @EventHandler
    void on(SessionRequested event) {
        jdbc.update("""
                INSERT INTO admission_session (session_id, user_id, node, ram_mb, state, expires_at)
                VALUES (?, ?, ?, ?, 'PROVISIONING', ?)
                ON CONFLICT (session_id) DO NOTHING""",
                event.sessionId().value(), event.userId().value(), event.node().value(), event.template().ramMb(),
                event.expiresAt().atOffset(java.time.ZoneOffset.UTC));
    }

    @EventHandler
    void on(SessionActivated event) {
        state(event.sessionId().value(), "ACTIVE");
    }

    @EventHandler
    void on(HibernationStarted event) {
        state(event.sessionId().value(), "SUSPENDING");
    }

    @EventHandler
    void on(SessionHibernated event) {
        state(event.sessionId().value(), "HIBERNATING");
    }

    @EventHandler
    void on(HibernationFailed event) {
        state(event.sessionId().value(), "ACTIVE");
    }

    @EventHandler
    void on(ResumeStarted event) {
        state(event.sessionId().value(), "RESUMING");
    }

    @EventHandler
    void on(SessionResumed event) {
        state(event.sessionId().value(), "ACTIVE");
    }

    @EventHandler
    void on(ResumeFailed event) {
        state(event.sessionId().value(), "HIBERNATING");
    }

    @EventHandler
    void on(SessionEnding event) {
        state(event.sessionId().value(), event.vmid() == null ? "GONE" : "ENDING");
    }

    @EventHandler
    void on(SessionFailed event) {
        state(event.sessionId().value(), event.vmid() == null ? "GONE" : "ENDING");
    }

    @EventHandler
    void on(VmDestroyed event) {
        state(event.sessionId().value(), "GONE");
    }

    @EventHandler
    void on(SessionEnded event) {
        state(event.sessionId().value(), "GONE");
    }

    public Optional<TemplateSpec> template(TemplateId id) {
        return jdbc.query("SELECT * FROM admission_template WHERE template_id = ?", (rs, n) -> new TemplateSpec(
                rs.getString("name"), OsType.valueOf(rs.getString("os_type")), Protocol.valueOf(rs.getString("protocol")),
                rs.getInt("proxmox_vmid"), rs.getInt("cpu_cores"), rs.getInt("ram_mb"), rs.getInt("disk_gb"),
                tags(rs.getString("tags")), rs.getBoolean("active")), id.value()).stream().findFirst();
    }

    public int runningSessions(UserId user) {
        Integer n = jdbc.queryForObject(
                "SELECT count(*) FROM admission_session WHERE user_id = ? AND state IN " + COUNTS_TOWARD_QUOTA,
                Integer.class, user.value());
        return n == null ? 0 : n;
    }

    /** Who a session belongs to, when it ends, and whether it still holds anything; empty for an unknown id. */
    public Optional<SessionEntry> session(SessionId id) {
        return jdbc.query("SELECT user_id, state, expires_at FROM admission_session WHERE session_id = ?",
                (rs, n) -> new SessionEntry(new UserId(rs.getString("user_id")), rs.getString("state"),
                        rs.getObject("expires_at", java.time.OffsetDateTime.class) == null ? null
                                : rs.getObject("expires_at", java.time.OffsetDateTime.class).toInstant()),
                id.value()).stream().findFirst();
    }

    public record SessionEntry(UserId owner, String state, java.time.Instant expiresAt) {
        public boolean live() {
            return !"ENDING".equals(state) && !"GONE".equals(state);
        }
    }

    /** Registered nodes with the VMs Vigil has placed on them and the RAM promised to those still provisioning. */
    public List<NodePlacement> placements() {
        return jdbc.query("""
                SELECT n.node, n.status, n.max_vms,
                       count(s.session_id) AS vms,
                       coalesce(sum(s.ram_mb) FILTER (WHERE s.state IN ('PROVISIONING', 'RESUMING')), 0) AS pending_ram_mb
                FROM admission_node n
                LEFT JOIN admission_session s ON s.node = n.node AND s.state <> 'GONE'
                GROUP BY n.node, n.status, n.max_vms
                ORDER BY n.node""",
                (rs, i) -> new NodePlacement(rs.getString("node"), io.vigil.core.node.NodeStatus.valueOf(rs.getString("status")),
                        rs.getInt("max_vms"), rs.getInt("vms"), rs.getLong("pending_ram_mb")));
    }

    public boolean hasNode(String node) {
        return Boolean.TRUE.equals(jdbc.queryForObject("SELECT exists(SELECT 1 FROM admission_node WHERE node = ?)",
                Boolean.class, node));
    }

    public record NodePlacement(String node, io.vigil.core.node.NodeStatus status, int maxVms, int vms, long pendingRamMb) {
    }

    private void state(String sessionId, String state) {
        jdbc.update("UPDATE admission_session SET state = ? WHERE session_id = ?", state, sessionId);
    }

    private void saveTemplate(TemplateId id, TemplateSpec spec) {
        jdbc.update("""
                INSERT INTO admission_template (template_id, name, os_type, protocol, proxmox_vmid, cpu_cores, ram_mb, disk_gb, tags, active)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (template_id) DO UPDATE SET name = EXCLUDED.name, os_type = EXCLUDED.os_type,
                    protocol = EXCLUDED.protocol, proxmox_vmid = EXCLUDED.proxmox_vmid, cpu_cores = EXCLUDED.cpu_cores,
                    ram_mb = EXCLUDED.ram_mb, disk_gb = EXCLUDED.disk_gb, tags = EXCLUDED.tags, active = EXCLUDED.active""",
                id.value(), spec.name(), spec.osType().name(), spec.protocol().name(), spec.proxmoxVmid(),
                spec.cpuCores(), spec.ramMb(), spec.diskGb(), String.join(",", spec.tags()), spec.active());
    }

    private void saveNode(String node, NodeSpec spec) {
        jdbc.update("""
                INSERT INTO admission_node (node, hostname, status, max_vms) VALUES (?, ?, ?, ?)
                ON CONFLICT (node) DO UPDATE SET hostname = EXCLUDED.hostname, status = EXCLUDED.status, max_vms = EXCLUDED.max_vms""",
                node, spec.hostname(), spec.status().name(), spec.maxVms());
    }

    private static List<String> tags(String joined) {
        return joined == null || joined.isEmpty() ? List.of() : Arrays.asList(joined.split(","));
    }
}

package io.vigil.command.admission;

import io.vigil.core.UserId;
import io.vigil.core.keptvm.KeptVmDeleted;
import io.vigil.core.keptvm.KeptVmDeletionRequested;
import io.vigil.core.keptvm.KeptVmReturned;
import io.vigil.core.keptvm.KeptVmTaken;
import io.vigil.core.keptvm.VmKept;
import io.vigil.core.node.NodeChanged;
import io.vigil.core.node.NodeName;
import io.vigil.core.node.NodeRegistered;
import io.vigil.core.node.NodeSpec;
import io.vigil.core.session.HibernationFailed;
import io.vigil.core.session.HibernationStarted;
import io.vigil.core.session.ResumeFailed;
import io.vigil.core.session.ResumeStarted;
import io.vigil.core.session.SessionActivated;
import io.vigil.core.session.SessionEnded;
import io.vigil.core.session.SessionEnding;
import io.vigil.core.session.SessionFailed;
import io.vigil.core.session.SessionHibernated;
import io.vigil.core.session.SessionId;
import io.vigil.core.session.SessionRequested;
import io.vigil.core.session.SessionResumed;
import io.vigil.core.session.SessionType;
import io.vigil.core.session.SessionVmKept;
import io.vigil.core.session.TeardownStarted;
import io.vigil.core.session.VmAbandoned;
import io.vigil.core.session.VmDestroyed;
import io.vigil.core.session.VmIdReserved;
import io.vigil.core.session.VmLost;
import io.vigil.core.template.OsType;
import io.vigil.core.template.Protocol;
import io.vigil.core.template.TemplateChanged;
import io.vigil.core.template.TemplateId;
import io.vigil.core.template.TemplatePlaced;
import io.vigil.core.template.TemplateRegistered;
import io.vigil.core.template.TemplateSpec;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.Timestamp;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * What admission (and the reconciler) must know to decide: templates and where they live, nodes, which sessions
 * hold quota, a VM (and RAM still to be taken: provisioning and resuming sessions), and the VMs kept for users.
 * It runs as a subscribing processor, inside the transaction that appends the event, so it is never behind.
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
    void on(TemplatePlaced event) {
        jdbc.update("UPDATE admission_template SET located_node = ?, shared_storage = ?, placement_problem = ? WHERE template_id = ?",
                event.node() == null ? null : event.node().value(), event.node() == null ? null : event.sharedStorage(),
                event.problem(), event.templateId().value());
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
                INSERT INTO admission_session (session_id, user_id, node, ram_mb, state, expires_at, session_type,
                    from_kept_vm, vmid)
                VALUES (?, ?, ?, ?, 'PROVISIONING', ?, ?, ?, ?)
                ON CONFLICT (session_id) DO NOTHING""",
                event.sessionId().value(), event.userId().value(), event.node().value(), event.template().ramMb(),
                ts(event.expiresAt()), event.sessionType().name(),
                event.source() == null ? null : event.source().keptVmId(),
                event.source() == null ? null : event.source().vmid());
    }

    @EventHandler
    void on(VmIdReserved event) {
        jdbc.update("UPDATE admission_session SET vmid = ? WHERE session_id = ?", event.vmid(), event.sessionId().value());
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
    void on(SessionEnding event, @Timestamp Instant at) {
        jdbc.update("UPDATE admission_session SET state = 'ENDING', ending_since = ? WHERE session_id = ?",
                ts(at), event.sessionId().value());
    }

    /** A failed session holds its VM until teardown removed it; with nothing to remove it holds nothing. */
    @EventHandler
    void on(SessionFailed event, @Timestamp Instant at) {
        boolean holds = event.vmid() != null || event.connectionId() != null;
        jdbc.update("UPDATE admission_session SET state = ?, ending_since = ? WHERE session_id = ?",
                holds ? "ENDING" : "GONE", holds ? ts(at) : null, event.sessionId().value());
    }

    @EventHandler
    void on(TeardownStarted event) {
        jdbc.update("UPDATE admission_session SET teardown_started = true, keeps = ? WHERE session_id = ?",
                event.keep() && event.keptVmId() == null, event.sessionId().value());
    }

    @EventHandler
    void on(VmLost event) {
        vmGone(event.sessionId());
    }

    @EventHandler
    void on(VmDestroyed event) {
        vmGone(event.sessionId());
        state(event.sessionId().value(), "GONE");
    }

    @EventHandler
    void on(VmAbandoned event) {
        vmGone(event.sessionId());
        state(event.sessionId().value(), "GONE");
    }

    @EventHandler
    void on(SessionVmKept event) {
        vmGone(event.sessionId());
        state(event.sessionId().value(), "GONE");
    }

    @EventHandler
    void on(SessionEnded event) {
        state(event.sessionId().value(), "GONE");
    }

    @EventHandler
    void on(VmKept event) {
        jdbc.update("""
                INSERT INTO admission_kept_vm (kept_vm_id, owner, node, vmid, template_id, state)
                VALUES (?, ?, ?, ?, ?, 'KEPT')
                ON CONFLICT (kept_vm_id) DO NOTHING""",
                event.keptVmId().value(), event.owner().value(), event.node().value(), event.vmid(),
                event.templateId() == null ? null : event.templateId().value());
    }

    @EventHandler
    void on(KeptVmTaken event) {
        jdbc.update("UPDATE admission_kept_vm SET state = 'IN_USE', session_id = ? WHERE kept_vm_id = ?",
                event.sessionId().value(), event.keptVmId().value());
    }

    @EventHandler
    void on(KeptVmReturned event) {
        jdbc.update("UPDATE admission_kept_vm SET state = 'KEPT', session_id = NULL WHERE kept_vm_id = ?",
                event.keptVmId().value());
    }

    @EventHandler
    void on(KeptVmDeletionRequested event) {
        jdbc.update("UPDATE admission_kept_vm SET state = 'DELETING' WHERE kept_vm_id = ?", event.keptVmId().value());
    }

    @EventHandler
    void on(KeptVmDeleted event) {
        jdbc.update("UPDATE admission_kept_vm SET state = 'DELETED', session_id = NULL WHERE kept_vm_id = ?",
                event.keptVmId().value());
    }

    /** The template as admission uses it: its spec, and where clones of it are made. */
    public Optional<PlacedTemplate> template(TemplateId id) {
        return jdbc.query("SELECT * FROM admission_template WHERE template_id = ?", (rs, n) -> {
            String adminNode = rs.getString("node");
            TemplateSpec spec = new TemplateSpec(rs.getString("name"), OsType.valueOf(rs.getString("os_type")),
                    Protocol.valueOf(rs.getString("protocol")), rs.getInt("proxmox_vmid"), rs.getInt("cpu_cores"),
                    rs.getInt("ram_mb"), rs.getInt("disk_gb"), tags(rs.getString("tags")), rs.getBoolean("active"),
                    adminNode == null ? null : new NodeName(adminNode));
            Boolean shared = (Boolean) rs.getObject("shared_storage");
            String located = rs.getString("located_node");
            return new PlacedTemplate(spec, located, shared, rs.getString("placement_problem"));
        }, id.value()).stream().findFirst();
    }

    /**
     * A template with what the cluster says of it.
     *
     * @param locatedNode   where Vigil found the template VM; null until looked up, or when not found
     * @param sharedStorage whether all its disks are on shared storage; null until looked up
     */
    public record PlacedTemplate(TemplateSpec spec, String locatedNode, Boolean sharedStorage, String problem) {

        /** Where clones are made: the admin's word first, else where the cluster showed the template. */
        public Optional<String> cloneNode() {
            return Optional.ofNullable(spec.node() != null ? spec.node().value() : locatedNode);
        }

        /** Clones may go to any node only with shared storage that was seen; unknown counts as local. */
        public boolean anyNode() {
            return Boolean.TRUE.equals(sharedStorage);
        }
    }

    public List<TemplateRef> templates() {
        return jdbc.query("SELECT template_id, proxmox_vmid, node FROM admission_template",
                (rs, n) -> new TemplateRef(new TemplateId(rs.getString(1)), rs.getInt(2), rs.getString(3)));
    }

    public record TemplateRef(TemplateId templateId, int proxmoxVmid, String adminNode) {
    }

    public int runningSessions(UserId user) {
        Integer n = jdbc.queryForObject(
                "SELECT count(*) FROM admission_session WHERE user_id = ? AND state IN " + COUNTS_TOWARD_QUOTA,
                Integer.class, user.value());
        return n == null ? 0 : n;
    }

    /**
     * The VMs a user keeps, plus the persistent sessions that will keep theirs: live ones, and ending ones whose
     * teardown keeps the VM until it is recorded as kept (not those started from a kept VM: that one is counted
     * already).
     */
    public int keptOrToBeKept(UserId user) {
        Integer n = jdbc.queryForObject("""
                SELECT (SELECT count(*) FROM admission_kept_vm WHERE owner = ? AND state <> 'DELETED')
                     + (SELECT count(*) FROM admission_session WHERE user_id = ? AND session_type = ?
                          AND from_kept_vm IS NULL AND state <> 'GONE' AND (NOT teardown_started OR keeps))""",
                Integer.class, user.value(), user.value(), SessionType.PERSISTENT.name());
        return n == null ? 0 : n;
    }

    /** Who a session belongs to, when it ends, and whether it still holds anything; empty for an unknown id. */
    public Optional<SessionEntry> session(SessionId id) {
        return jdbc.query("SELECT user_id, state, expires_at FROM admission_session WHERE session_id = ?",
                (rs, n) -> new SessionEntry(new UserId(rs.getString("user_id")), rs.getString("state"),
                        rs.getObject("expires_at", OffsetDateTime.class) == null ? null
                                : rs.getObject("expires_at", OffsetDateTime.class).toInstant()),
                id.value()).stream().findFirst();
    }

    public record SessionEntry(UserId owner, String state, Instant expiresAt) {
        public boolean live() {
            return !"ENDING".equals(state) && !"GONE".equals(state);
        }
    }

    public Optional<KeptVmEntry> keptVm(String keptVmId) {
        return jdbc.query("SELECT * FROM admission_kept_vm WHERE kept_vm_id = ?", (rs, n) -> new KeptVmEntry(
                rs.getString("kept_vm_id"), new UserId(rs.getString("owner")), rs.getString("node"), rs.getInt("vmid"),
                rs.getString("template_id") == null ? null : new TemplateId(rs.getString("template_id")),
                rs.getString("state")), keptVmId).stream().findFirst();
    }

    public record KeptVmEntry(String keptVmId, UserId owner, String node, int vmid, TemplateId templateId, String state) {
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

    private void vmGone(SessionId id) {
        jdbc.update("UPDATE admission_session SET vmid = NULL WHERE session_id = ?", id.value());
    }

    private void saveTemplate(TemplateId id, TemplateSpec spec) {
        jdbc.update("""
                INSERT INTO admission_template (template_id, name, os_type, protocol, proxmox_vmid, cpu_cores, ram_mb, disk_gb, tags, active, node)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (template_id) DO UPDATE SET name = EXCLUDED.name, os_type = EXCLUDED.os_type,
                    protocol = EXCLUDED.protocol, proxmox_vmid = EXCLUDED.proxmox_vmid, cpu_cores = EXCLUDED.cpu_cores,
                    ram_mb = EXCLUDED.ram_mb, disk_gb = EXCLUDED.disk_gb, tags = EXCLUDED.tags, active = EXCLUDED.active,
                    node = EXCLUDED.node""",
                id.value(), spec.name(), spec.osType().name(), spec.protocol().name(), spec.proxmoxVmid(),
                spec.cpuCores(), spec.ramMb(), spec.diskGb(), String.join(",", spec.tags()), spec.active(),
                spec.node() == null ? null : spec.node().value());
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

    private static OffsetDateTime ts(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}

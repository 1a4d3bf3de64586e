package io.vigil.query.registry;

import io.vigil.core.node.NodeChanged;
import io.vigil.core.node.NodeName;
import io.vigil.core.node.NodeRegistered;
import io.vigil.core.node.NodeSpec;
import io.vigil.core.template.TemplateChanged;
import io.vigil.core.template.TemplateId;
import io.vigil.core.template.TemplatePlaced;
import io.vigil.core.template.TemplateRegistered;
import io.vigil.core.template.TemplateSpec;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventhandling.Timestamp;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Templates and nodes as registered and changed. Registration and change write the same whole spec, so both are
 * one upsert that only a newer event (by aggregate sequence) may overwrite.
 */
@Component
@ProcessingGroup(RegistryViewProjection.PROCESSING_GROUP)
public class RegistryViewProjection {
    public static final String PROCESSING_GROUP = "registry-views";
    private final JdbcTemplate jdbc;

    public RegistryViewProjection(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(TemplateRegistered e, @SequenceNumber long seq, @Timestamp Instant at) {
        saveTemplate(e.templateId(), e.spec(), seq, at);
    }

    @EventHandler
    void on(TemplateChanged e, @SequenceNumber long seq, @Timestamp Instant at) {
        saveTemplate(e.templateId(), e.spec(), seq, at);
    }

    /** Where the template was found in the cluster (admins see it): the same sequence guard as the spec. */
    @EventHandler
    void on(TemplatePlaced e, @SequenceNumber long seq, @Timestamp Instant at) {
        jdbc.update("""
                        UPDATE template_view SET located_node = ?, shared_storage = ?, storages = ?, placement_problem = ?,
                            last_sequence = ?, updated_at = ?
                        WHERE template_id = ? AND last_sequence < ?""",
                e.node() == null ? null : e.node().value(), e.node() == null ? null : e.sharedStorage(),
                e.storages().toArray(String[]::new), e.problem(), seq, at.atOffset(ZoneOffset.UTC),
                e.templateId().value(), seq);
    }

    @EventHandler
    void on(NodeRegistered e, @SequenceNumber long seq, @Timestamp Instant at) {
        saveNode(e.node(), e.spec(), seq, at);
    }

    @EventHandler
    void on(NodeChanged e, @SequenceNumber long seq, @Timestamp Instant at) {
        saveNode(e.node(), e.spec(), seq, at);
    }

    private void saveTemplate(TemplateId id, TemplateSpec spec, long seq, Instant at) {
        jdbc.update("""
                        INSERT INTO template_view (template_id, name, os_type, protocol, proxmox_vmid, cpu_cores, ram_mb,
                            disk_gb, tags, active, node, last_sequence, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (template_id) DO UPDATE SET name = EXCLUDED.name, os_type = EXCLUDED.os_type,
                            protocol = EXCLUDED.protocol, proxmox_vmid = EXCLUDED.proxmox_vmid,
                            cpu_cores = EXCLUDED.cpu_cores, ram_mb = EXCLUDED.ram_mb, disk_gb = EXCLUDED.disk_gb,
                            tags = EXCLUDED.tags, active = EXCLUDED.active, node = EXCLUDED.node,
                            last_sequence = EXCLUDED.last_sequence, updated_at = EXCLUDED.updated_at
                        WHERE template_view.last_sequence < EXCLUDED.last_sequence""",
                id.value(), spec.name(), spec.osType().name().toLowerCase(Locale.ROOT), spec.protocol().wireName(),
                spec.proxmoxVmid(), spec.cpuCores(), spec.ramMb(), spec.diskGb(), spec.tags().toArray(String[]::new),
                spec.active(), spec.node() == null ? null : spec.node().value(), seq, at.atOffset(ZoneOffset.UTC));
    }

    private void saveNode(NodeName node, NodeSpec spec, long seq, Instant at) {
        jdbc.update("""
                        INSERT INTO node_view (node_name, hostname, status, max_vms, last_sequence, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?)
                        ON CONFLICT (node_name) DO UPDATE SET hostname = EXCLUDED.hostname, status = EXCLUDED.status,
                            max_vms = EXCLUDED.max_vms, last_sequence = EXCLUDED.last_sequence,
                            updated_at = EXCLUDED.updated_at
                        WHERE node_view.last_sequence < EXCLUDED.last_sequence""",
                node.value(), spec.hostname(), spec.status().name().toLowerCase(Locale.ROOT), spec.maxVms(), seq,
                at.atOffset(ZoneOffset.UTC));
    }
}

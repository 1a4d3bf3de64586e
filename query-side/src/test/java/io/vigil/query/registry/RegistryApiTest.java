package io.vigil.query.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.api.StatefulRedisConnection;
import io.vigil.core.node.NodeName;
import io.vigil.core.node.NodeRegistered;
import io.vigil.core.node.NodeSpec;
import io.vigil.core.node.NodeStatus;
import io.vigil.core.template.OsType;
import io.vigil.core.template.Protocol;
import io.vigil.core.template.TemplateChanged;
import io.vigil.core.template.TemplateId;
import io.vigil.core.template.TemplateRegistered;
import io.vigil.core.template.TemplateSpec;
import io.vigil.platform.cache.NodeStatusStore;
import io.vigil.platform.security.Role;
import io.vigil.query.QuerySideIntegrationTest;
import io.vigil.query.SessionStory;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;

/** The template catalogue for everyone, and the node view for admins. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistryApiTest extends QuerySideIntegrationTest {
    private static final TemplateSpec WINDOWS = new TemplateSpec("Windows 11", OsType.WINDOWS, Protocol.RDP, 9001,
            4, 8192, 80, List.of("office"), true);
    private static final TemplateSpec OLD_KALI = new TemplateSpec("Kali 2023", OsType.KALI, Protocol.VNC, 9002,
            2, 4096, 40, List.of("security", "legacy"), true);
    // Redis is shared with whatever else runs on this machine: node names of our own, removed afterwards.
    private final String sampled = "qt-" + UUID.randomUUID().toString().substring(0, 8);
    private final String neverSampled = "qt-" + UUID.randomUUID().toString().substring(0, 8);
    private final Instant sampledAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    @Autowired
    NodeStatusStore nodeStatus;
    @Autowired
    StatefulRedisConnection<String, String> redis;
    @Autowired
    RegistryViewProjection projection;

    @BeforeAll
    void registry() {
        publish(template("windows-11", 0, new TemplateRegistered(new TemplateId("windows-11"), WINDOWS)),
                template("kali-2023", 0, new TemplateRegistered(new TemplateId("kali-2023"), OLD_KALI)),
                template("kali-2023", 1, new TemplateChanged(new TemplateId("kali-2023"), inactive(OLD_KALI))),
                node(sampled, new NodeSpec("pve-a.lab", NodeStatus.ONLINE, 40)),
                node(neverSampled, new NodeSpec("pve-b.lab", NodeStatus.MAINTENANCE, 50)));
        SessionStory holding = new SessionStory("alice", sampled);
        SessionStory released = new SessionStory("bob", sampled);
        SessionStory waiting = new SessionStory("carol", sampled);
        publish(holding.requested(), holding.reserved(931), holding.cloned());
        publish(released.requested(), released.reserved(932), released.failed("boot timeout"), released.destroyed());
        publish(waiting.requested());
        nodeStatus.saveAll(List.of(new io.vigil.platform.cache.NodeStatus(sampled, "online", 0.2537, 32,
                6_000_000_000L, 64_000_000_000L, 86_400, sampledAt)));

        awaitProjected(holding.id(), holding.last());
        awaitProjected(released.id(), released.last());
        awaitProjected(waiting.id(), waiting.last());
        await().atMost(PROJECTED_WITHIN).until(() -> count("SELECT count(*) FROM node_view") == 2
                && count("SELECT count(*) FROM template_view WHERE last_sequence = 1") == 1);
    }

    @AfterAll
    void forgetOurNodes() {
        redis.sync().hdel("vigil:node-status", sampled, neverSampled);
    }

    @Test
    void engineers_see_the_active_templates_without_proxmox_ids() {
        List<Map<String, Object>> templates = getArray("/api/v1/templates", token("alice", Role.ENGINEER));

        assertThat(templates).extracting(t -> t.get("id")).containsExactly("windows-11");
        assertThat(templates.get(0)).doesNotContainKey("proxmox_vmid")
                .containsEntry("name", "Windows 11").containsEntry("os_type", "windows").containsEntry("protocol", "rdp")
                .containsEntry("cpu_cores", 4).containsEntry("ram_mb", 8192).containsEntry("disk_gb", 80)
                .containsEntry("tags", List.of("office")).containsEntry("active", true);
    }

    @Test
    void admins_see_every_template_as_last_changed_with_its_proxmox_id() {
        List<Map<String, Object>> templates = getArray("/api/v1/templates", token("root", Role.ADMIN));

        assertThat(templates).extracting(t -> t.get("id")).containsExactly("kali-2023", "windows-11");
        assertThat(templates.get(0)).containsEntry("active", false).containsEntry("proxmox_vmid", 9002)
                .containsEntry("tags", List.of("security", "legacy"));
    }

    @Test
    void a_stale_template_event_handled_again_does_not_undo_a_later_change() {
        projection.on(new TemplateRegistered(new TemplateId("kali-2023"), OLD_KALI), 0, Instant.now());

        List<Map<String, Object>> templates = getArray("/api/v1/templates", token("root", Role.ADMIN));
        assertThat(templates).filteredOn(t -> "kali-2023".equals(t.get("id")))
                .singleElement().satisfies(t -> assertThat(t).containsEntry("active", false));
    }

    @Test
    void templates_need_a_token() {
        assertThat(errorCode(http.get().uri("/api/v1/templates").exchange(), 401)).isEqualTo("unauthenticated");
    }

    @Test
    void admins_see_each_node_with_the_vms_held_there_and_its_live_figures() {
        Map<String, Object> node = node(getArray("/api/v1/admin/nodes", token("root", Role.ADMIN)), sampled);

        assertThat(node).containsEntry("hostname", "pve-a.lab").containsEntry("status", "online")
                .containsEntry("max_vms", 40).containsEntry("active_vms", 1)
                .containsEntry("cpu_percent", 25.4).containsEntry("ram_used_bytes", 6_000_000_000L)
                .containsEntry("ram_total_bytes", 64_000_000_000L).containsEntry("uptime_seconds", 86_400)
                .containsEntry("proxmox_status", "online").containsEntry("sampled_at", sampledAt.toString());
    }

    @Test
    void a_node_never_sampled_shows_no_live_figures() {
        Map<String, Object> node = node(getArray("/api/v1/admin/nodes", token("root", Role.ADMIN)), neverSampled);

        assertThat(node).containsEntry("status", "maintenance").containsEntry("active_vms", 0)
                .containsEntry("cpu_percent", null).containsEntry("ram_used_bytes", null)
                .containsEntry("ram_total_bytes", null).containsEntry("uptime_seconds", null)
                .containsEntry("sampled_at", null);
    }

    @Test
    void engineers_cannot_see_the_nodes() {
        assertThat(errorCode(get("/api/v1/admin/nodes", token("alice", Role.ENGINEER)), 403)).isEqualTo("forbidden");
    }

    private static Map<String, Object> node(List<Map<String, Object>> nodes, String name) {
        return nodes.stream().filter(n -> name.equals(n.get("name"))).findFirst().orElseThrow();
    }

    private long count(String sql) {
        Long n = jdbc.queryForObject(sql, Long.class);
        return n == null ? 0 : n;
    }

    private static TemplateSpec inactive(TemplateSpec s) {
        return new TemplateSpec(s.name(), s.osType(), s.protocol(), s.proxmoxVmid(), s.cpuCores(), s.ramMb(),
                s.diskGb(), s.tags(), false);
    }

    private static GenericDomainEventMessage<Object> template(String id, long seq, Object event) {
        return new GenericDomainEventMessage<>("Template", id, seq, event);
    }

    private static GenericDomainEventMessage<Object> node(String name, NodeSpec spec) {
        return new GenericDomainEventMessage<>("Node", name, 0, new NodeRegistered(new NodeName(name), spec));
    }
}

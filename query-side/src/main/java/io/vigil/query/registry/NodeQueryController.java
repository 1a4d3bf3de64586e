package io.vigil.query.registry;

import io.vigil.platform.cache.NodeStatus;
import io.vigil.platform.cache.NodeStatusStore;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Admins' view of the Proxmox nodes. Admin-only by the platform's rules on /api/v1/admin/**. */
@RestController
class NodeQueryController {
    private static final Logger log = LoggerFactory.getLogger(NodeQueryController.class);
    private static final Duration REDIS_TIMEOUT = Duration.ofSeconds(2);
    private final DatabaseClient db;
    private final NodeStatusStore liveStatus;

    NodeQueryController(DatabaseClient db, NodeStatusStore liveStatus) {
        this.db = db;
        this.liveStatus = liveStatus;
    }

    /** A session holds a VM from the moment its VMID is reserved until the VM is destroyed. */
    @GetMapping("/api/v1/admin/nodes")
    Flux<NodeView> nodes() {
        // Without Redis the registry part is still worth showing: live figures are then simply absent.
        Mono<Map<String, NodeStatus>> live = liveStatus.loadAllReactive()
                .timeout(REDIS_TIMEOUT)
                .onErrorResume(e -> {
                    log.warn("Node status cache unavailable ({}); answering without live figures", e.toString());
                    return Mono.just(Map.of());
                });
        return live.flatMapMany(statuses -> db.sql("""
                        SELECT n.node_name, n.hostname, n.status, n.max_vms,
                               (SELECT count(*) FROM session_view s
                                 WHERE s.node_name = n.node_name AND s.vmid IS NOT NULL
                                   AND s.vm_destroyed_at IS NULL) AS active_vms
                        FROM node_view n
                        ORDER BY n.node_name""")
                .map(row -> {
                    String name = row.get("node_name", String.class);
                    Long active = row.get("active_vms", Long.class);
                    Integer maxVms = row.get("max_vms", Integer.class);
                    return NodeView.of(name, row.get("hostname", String.class), row.get("status", String.class),
                            maxVms == null ? 0 : maxVms, active == null ? 0 : active.intValue(), statuses.get(name));
                })
                .all());
    }
}

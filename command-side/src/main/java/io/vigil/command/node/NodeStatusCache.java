package io.vigil.command.node;

import io.vigil.command.proxmox.ProxmoxClient;
import io.vigil.platform.cache.NodeStatus;
import io.vigil.platform.cache.NodeStatusStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Live node figures from Proxmox ({@code GET /nodes}, one call for the whole cluster), shared through Redis so
 * every instance and the admins' view see the same sample.
 * <p>
 * Admission reads {@link #snapshot()}, which is this instance's copy in memory and never waits on anything:
 * admission holds a database connection and the cluster-wide admission lock, and must not hold them while
 * Proxmox or Redis is slow. The copy is filled by {@link #refresh()} (Proxmox → Redis → memory), which a
 * db-scheduler recurring task runs on one instance of the cluster at a time, and by {@link #sync()} (Redis →
 * memory) on every instance. When Proxmox or Redis cannot be reached, the last known figures stay in use.
 */
@Component
public class NodeStatusCache {
    private static final Logger log = LoggerFactory.getLogger(NodeStatusCache.class);
    private static final Duration PROXMOX_TIMEOUT = Duration.ofSeconds(5);
    private final ProxmoxClient proxmox;
    private final NodeStatusStore store;
    private final Clock clock;
    private final AtomicReference<Map<String, NodeStatus>> snapshot = new AtomicReference<>(Map.of());

    public NodeStatusCache(ProxmoxClient proxmox, NodeStatusStore store, Clock clock) {
        this.proxmox = proxmox;
        this.store = store;
        this.clock = clock;
    }

    /** The figures this instance last saw; empty until the first refresh or sync. Never blocks. */
    public Map<String, NodeStatus> snapshot() {
        return snapshot.get();
    }

    /** Samples Proxmox and shares the sample; run by the recurring task, never on a request path. */
    public Map<String, NodeStatus> refresh() {
        Instant now = clock.instant();
        List<NodeStatus> sample = proxmox.nodes().block(PROXMOX_TIMEOUT).stream()
                .map(n -> new NodeStatus(n.node(), n.status(), n.cpu(), n.maxcpu(), n.mem(), n.maxmem(), n.uptime(), now))
                .toList();
        Map<String, NodeStatus> byNode = sample.stream().collect(Collectors.toUnmodifiableMap(NodeStatus::node, s -> s));
        snapshot.set(byNode);
        try {
            store.saveAll(sample);
        } catch (RuntimeException e) {
            log.warn("Could not share node status through Redis: {}", e.getMessage());
        }
        return byNode;
    }

    /** What another instance sampled, into this instance's copy; keeps the copy when Redis does not answer. */
    @Scheduled(initialDelayString = "0s", fixedDelayString = "${vigil.provisioning.node-status-sync:2s}")
    @EventListener(ApplicationReadyEvent.class)
    public void sync() {
        try {
            Map<String, NodeStatus> shared = store.loadAll();
            if (!shared.isEmpty() && newer(shared, snapshot.get())) {
                snapshot.set(Map.copyOf(shared));
            }
        } catch (RuntimeException e) {
            log.debug("Redis unavailable for node status ({}); keeping this instance's copy", e.getMessage());
        }
    }

    private static boolean newer(Map<String, NodeStatus> candidate, Map<String, NodeStatus> current) {
        return current.isEmpty() || sampledAt(candidate).isAfter(sampledAt(current))
                || !candidate.keySet().equals(current.keySet());
    }

    private static Instant sampledAt(Map<String, NodeStatus> statuses) {
        return statuses.values().stream().map(NodeStatus::sampledAt).min(Instant::compareTo).orElse(Instant.EPOCH);
    }
}

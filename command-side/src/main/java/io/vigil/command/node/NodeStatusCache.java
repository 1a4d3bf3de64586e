package io.vigil.command.node;

import io.vigil.command.ProvisioningProperties;
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
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Live node figures from Proxmox ({@code GET /nodes}, one call for the whole cluster), shared through Redis so
 * every instance and the admins' view see the same sample. A background refresh keeps it young; when Proxmox
 * or Redis cannot be reached, the last known figures are used rather than refusing every request.
 */
@Component
public class NodeStatusCache {
    private static final Logger log = LoggerFactory.getLogger(NodeStatusCache.class);
    private static final Duration PROXMOX_TIMEOUT = Duration.ofSeconds(3);
    private final ProxmoxClient proxmox;
    private final NodeStatusStore store;
    private final ProvisioningProperties properties;
    private final Clock clock;
    private final AtomicReference<Map<String, NodeStatus>> lastKnown = new AtomicReference<>(Map.of());

    public NodeStatusCache(ProxmoxClient proxmox, NodeStatusStore store, ProvisioningProperties properties, Clock clock) {
        this.proxmox = proxmox;
        this.store = store;
        this.properties = properties;
        this.clock = clock;
    }

    /** Figures no older than the configured age if Proxmox answers; otherwise the last known ones. */
    public Map<String, NodeStatus> current() {
        Map<String, NodeStatus> cached = cached();
        if (!cached.isEmpty() && fresh(cached)) {
            return cached;
        }
        try {
            return refresh();
        } catch (RuntimeException e) {
            log.warn("Proxmox node status unavailable ({}); using the last known figures", e.getMessage());
            return cached;
        }
    }

    @Scheduled(initialDelayString = "0s", fixedDelayString = "${vigil.provisioning.node-status-refresh:15s}")
    void refreshInBackground() {
        try {
            refresh();
        } catch (RuntimeException e) {
            log.warn("Background node status refresh failed: {}", e.getMessage());
        }
    }

    public Map<String, NodeStatus> refresh() {
        Instant now = clock.instant();
        List<NodeStatus> sample = proxmox.nodes().block(PROXMOX_TIMEOUT).stream()
                .map(n -> new NodeStatus(n.node(), n.status(), n.cpu(), n.maxcpu(), n.mem(), n.maxmem(), n.uptime(), now))
                .toList();
        Map<String, NodeStatus> byNode = sample.stream().collect(Collectors.toUnmodifiableMap(NodeStatus::node, s -> s));
        lastKnown.set(byNode);
        try {
            store.saveAll(sample);
        } catch (RuntimeException e) {
            log.warn("Could not share node status through Redis: {}", e.getMessage());
        }
        return byNode;
    }

    private Map<String, NodeStatus> cached() {
        try {
            Map<String, NodeStatus> shared = store.loadAll();
            if (!shared.isEmpty()) {
                return shared;
            }
        } catch (RuntimeException e) {
            log.warn("Redis unavailable for node status ({}); using this instance's copy", e.getMessage());
        }
        return lastKnown.get();
    }

    private boolean fresh(Map<String, NodeStatus> statuses) {
        Instant oldest = statuses.values().stream().map(NodeStatus::sampledAt).min(Instant::compareTo).orElse(Instant.EPOCH);
        return Duration.between(oldest, clock.instant()).compareTo(properties.nodeStatusMaxAge()) <= 0;
    }
}

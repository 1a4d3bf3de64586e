package io.vigil.platform.cache;

import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The shared node-status cache in Redis: one hash, a field per node. Entries are never expired by Redis: a
 * stale sample is still the best guess when Proxmox cannot be reached, so readers judge age themselves. Each
 * sample replaces the whole hash, so a node removed from Proxmox leaves the cache with the next sample.
 */
public class NodeStatusStore {
    static final String KEY = "vigil:node-status";
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private final StatefulRedisConnection<String, String> connection;
    private final JsonMapper json;

    public NodeStatusStore(StatefulRedisConnection<String, String> connection, JsonMapper json) {
        this.connection = connection;
        this.json = json;
    }

    /**
     * Replaces the cached sample with {@code statuses}: written under a key of its own, then renamed over the
     * shared one (RENAME is atomic), so a reader never sees half a sample and a node that left the cluster goes.
     */
    public void saveAll(Collection<NodeStatus> statuses) {
        if (statuses.isEmpty()) {
            await(connection.async().del(KEY).toCompletableFuture());
            return;
        }
        Map<String, String> fields = new HashMap<>();
        statuses.forEach(s -> fields.put(s.node(), json.writeValueAsString(s)));
        String staging = KEY + ":next:" + java.util.UUID.randomUUID();
        await(connection.async().hset(staging, fields).toCompletableFuture());
        await(connection.async().rename(staging, KEY).toCompletableFuture());
    }

    /** Blocking read, for callers already off the event loop (admission runs in the command's thread). */
    public Map<String, NodeStatus> loadAll() {
        return decode(await(connection.async().hgetall(KEY).toCompletableFuture()));
    }

    public Mono<Map<String, NodeStatus>> loadAllReactive() {
        return Mono.fromCompletionStage(connection.async().hgetall(KEY)).map(this::decode);
    }

    private Map<String, NodeStatus> decode(Map<String, String> raw) {
        Map<String, NodeStatus> result = new HashMap<>();
        raw.forEach((node, value) -> result.put(node, json.readValue(value, NodeStatus.class)));
        return result;
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> future) {
        try {
            return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while talking to Redis", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Redis did not answer: " + e.getMessage(), e);
        }
    }

    public static List<NodeStatus> sorted(Map<String, NodeStatus> statuses) {
        List<NodeStatus> list = new ArrayList<>(statuses.values());
        list.sort(java.util.Comparator.comparing(NodeStatus::node));
        return list;
    }
}

package io.vigil.platform.cache;

import io.lettuce.core.ScriptOutputType;
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

    /** Deletes the hash and writes the new fields in one script: Redis runs a script as one atomic step. */
    private static final String REPLACE = "redis.call('DEL', KEYS[1]) "
            + "if #ARGV > 0 then redis.call('HSET', KEYS[1], unpack(ARGV)) end return 'OK'";

    /**
     * Replaces the cached sample with {@code statuses} atomically, so a reader never sees half a sample, a node
     * that left the cluster goes, and a write cut short leaves nothing behind.
     */
    public void saveAll(Collection<NodeStatus> statuses) {
        List<String> fieldsAndValues = new ArrayList<>();
        statuses.forEach(s -> {
            fieldsAndValues.add(s.node());
            fieldsAndValues.add(json.writeValueAsString(s));
        });
        await(connection.async().<String>eval(REPLACE, ScriptOutputType.STATUS, new String[]{KEY},
                fieldsAndValues.toArray(String[]::new)).toCompletableFuture());
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

package io.vigil.platform.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.vigil.platform.test.TestServices;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The shared node-status cache on a real Redis (its own database, 7, so other tests' samples do not interfere). */
class NodeStatusStoreTest {
    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;
    private NodeStatusStore store;

    @BeforeEach
    void connect() {
        client = RedisClient.create(TestServices.redisUri() + "/7");
        connection = client.connect();
        connection.sync().keys(NodeStatusStore.KEY + "*").forEach(key -> connection.sync().del(key));
        store = new NodeStatusStore(connection, JsonMapper.builder().findAndAddModules().build());
    }

    @AfterEach
    void close() {
        connection.close();
        client.shutdown();
    }

    private static NodeStatus node(String name) {
        return new NodeStatus(name, "online", 0.1, 32, 1L << 30, 128L << 30, 1000, Instant.parse("2026-12-01T10:00:00Z"));
    }

    @Test
    void each_sample_replaces_the_last_so_a_node_removed_from_proxmox_leaves_the_cache() {
        store.saveAll(List.of(node("pve-1"), node("pve-2"), node("pve-3")));
        store.saveAll(List.of(node("pve-1"), node("pve-3")));

        assertThat(store.loadAll()).containsOnlyKeys("pve-1", "pve-3");
        assertThat(store.loadAll().get("pve-3")).isEqualTo(node("pve-3"));
        assertThat(connection.sync().keys(NodeStatusStore.KEY + "*")).as("no staging keys left behind")
                .containsExactly(NodeStatusStore.KEY);
    }

    @Test
    void an_empty_sample_empties_the_cache() {
        store.saveAll(List.of(node("pve-1")));
        store.saveAll(List.of());

        assertThat(store.loadAll()).isEmpty();
    }
}

package io.vigil.launcher;

import static org.awaitility.Awaitility.await;

import io.vigil.command.node.NodeStatusCache;
import io.vigil.platform.test.TestServices;
import java.time.Duration;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import io.vigil.simulators.guacamole.GuacamoleSimulator;
import io.vigil.simulators.proxmox.ProxmoxSimulator;
import org.springframework.test.context.DynamicPropertyRegistry;

/** The whole system on the test services, pointed at in-process simulators, with retries in milliseconds. */
final class Simulated {
    static final String PROXMOX_TOKEN = "root@pam!vigil=s3cret";

    private Simulated() {
    }

    static void register(DynamicPropertyRegistry registry, ProxmoxSimulator proxmox, GuacamoleSimulator guacamole) {
        TestServices.register(registry);
        registry.add("vigil.proxmox.base-url", proxmox::baseUrl);
        registry.add("vigil.proxmox.token-id", () -> "root@pam!vigil");
        registry.add("vigil.proxmox.token-secret", () -> "s3cret");
        registry.add("vigil.guacamole.base-url", guacamole::baseUrl);
        registry.add("vigil.guacamole.username", () -> "guacadmin");
        registry.add("vigil.guacamole.password", () -> "guacadmin");
        registry.add("vigil.provisioning.guest-port-override", proxmox::guestPort);
        registry.add("vigil.provisioning.accept-loopback-guests", () -> "true");
        registry.add("vigil.provisioning.retry-backoff", () -> "100ms,200ms,300ms");
        // several test contexts live at once: keep each one's share of PostgreSQL's 100 connections small
        registry.add("spring.datasource.hikari.maximum-pool-size", () -> "10");
        registry.add("spring.datasource.hikari.minimum-idle", () -> "2");
        registry.add("spring.r2dbc.pool.initial-size", () -> "1");
        registry.add("spring.r2dbc.pool.max-size", () -> "5");
        // no broker unless a test starts or finds one (MqttBroker)
        registry.add("vigil.mqtt.enabled", () -> "false");
    }

    /**
     * Waits until admission can decide: node figures sampled (the recurring refresh runs at start) and the seeded
     * templates found in the cluster (looked up as soon as they are registered). A fresh install refuses requests
     * with 503 for that first second or so, as it would in production.
     */
    static void awaitReady(ApplicationContext context) {
        NodeStatusCache nodes = context.getBean(NodeStatusCache.class);
        JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> !nodes.snapshot().isEmpty()
                && jdbc.queryForObject("SELECT count(*) FROM admission_template WHERE located_node IS NOT NULL",
                Integer.class) >= 3);
    }
}

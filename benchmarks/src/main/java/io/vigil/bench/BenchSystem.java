package io.vigil.bench;

import io.vigil.platform.security.Role;
import io.vigil.platform.security.TokenIssuer;
import io.vigil.platform.test.TestServices;
import io.vigil.simulators.guacamole.GuacamoleSimConfig;
import io.vigil.simulators.guacamole.GuacamoleSimulator;
import io.vigil.simulators.proxmox.ProxmoxSimConfig;
import io.vigil.simulators.proxmox.ProxmoxSimulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The whole system in this JVM, as VigilApplication runs it: command side and query side in one Spring context,
 * on a fresh database (the machine's PostgreSQL on 5432, or an embedded one), Redis, and the zero-latency
 * Proxmox and Guacamole simulators over real HTTP on 127.0.0.1.
 */
final class BenchSystem implements AutoCloseable {
    static final String PROXMOX_TOKEN_ID = "root@pam!bench";
    static final String PROXMOX_TOKEN_SECRET = "bench-secret";
    /** A Redis database of its own, so node figures of test runs sharing the machine's Redis do not mix in. */
    static final int REDIS_DATABASE = 9;
    /**
     * The hibernation parts' system (5–7) gets another: the first system's node figures (part 3 leaves 200 VMs)
     * would otherwise count against the second one's fresh cluster until they age out.
     */
    static final int HIBERNATION_REDIS_DATABASE = 10;

    final ProxmoxSimulator proxmox;
    final GuacamoleSimulator guacamole;
    final ConfigurableApplicationContext context;
    final String jdbcUrl;
    final String redisUri;
    final int port;
    final JdbcTemplate jdbc;
    final TokenIssuer tokens;
    final CommandGateway commands;
    final Map<String, Object> properties;

    private BenchSystem(ProxmoxSimulator proxmox, GuacamoleSimulator guacamole, ConfigurableApplicationContext context,
                        String jdbcUrl, String redisUri, Map<String, Object> properties) {
        this.proxmox = proxmox;
        this.guacamole = guacamole;
        this.context = context;
        this.jdbcUrl = jdbcUrl;
        this.redisUri = redisUri;
        this.properties = properties;
        this.port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port", "-1"));
        this.jdbc = context.getBean(JdbcTemplate.class);
        this.tokens = context.getBean(TokenIssuer.class);
        this.commands = context.getBean(CommandGateway.class);
    }

    static BenchSystem start() {
        return start(Map.of(), REDIS_DATABASE);
    }

    /**
     * @param extra      properties on top of the bench's own (a {@code -D} on the bench JVM still wins)
     * @param redisDatabase the Redis database for node figures
     */
    static BenchSystem start(Map<String, String> extra, int redisDatabase) {
        return start(extra, redisDatabase, java.util.function.UnaryOperator.identity());
    }

    /** @param cluster changes to the simulated cluster (latencies, faults) from the zero-latency default */
    static BenchSystem start(Map<String, String> extra, int redisDatabase,
                             java.util.function.UnaryOperator<ProxmoxSimConfig> cluster) {
        String jdbcUrl = TestServices.freshDatabase();
        String redisUri = TestServices.redisUri() + "/" + redisDatabase;
        ProxmoxSimulator proxmox = ProxmoxSimulator.start(cluster.apply(ProxmoxSimConfig.defaults()
                .withApiToken(PROXMOX_TOKEN_ID + "=" + PROXMOX_TOKEN_SECRET)));
        GuacamoleSimulator guacamole = GuacamoleSimulator.start(GuacamoleSimConfig.defaults());

        Map<String, Object> p = new LinkedHashMap<>();
        p.put("spring.application.name", "vigil-bench");
        p.put("server.port", "0");
        p.put("server.address", "127.0.0.1");
        p.put("spring.datasource.url", jdbcUrl);
        p.put("spring.datasource.username", "postgres");
        p.put("spring.datasource.password", "");
        p.put("spring.r2dbc.url", jdbcUrl.replaceFirst("^jdbc:", "r2dbc:"));
        p.put("spring.r2dbc.username", "postgres");
        p.put("spring.r2dbc.password", "");
        p.put("vigil.redis.uri", redisUri);
        p.put("vigil.security.jwt-secret", TestServices.JWT_SECRET);
        p.put("vigil.proxmox.base-url", proxmox.baseUrl());
        p.put("vigil.proxmox.token-id", PROXMOX_TOKEN_ID);
        p.put("vigil.proxmox.token-secret", PROXMOX_TOKEN_SECRET);
        p.put("vigil.guacamole.base-url", guacamole.baseUrl());
        p.put("vigil.guacamole.username", guacamole.config().username());
        p.put("vigil.guacamole.password", guacamole.config().password());
        p.put("vigil.provisioning.guest-port-override", String.valueOf(proxmox.guestPort()));
        p.put("vigil.provisioning.accept-loopback-guests", "true");
        // throughput and latency parts request many sessions as few users; the burst uses 200 distinct users
        p.put("vigil.provisioning.quota-per-user", "100000");
        // a no-database baseline for the query throughput part (permitted without a token)
        p.put("management.endpoint.health.probes.enabled", "true");
        p.putAll(extra);

        // Like LocalLauncher: after system properties (so -Dkey=value on the bench JVM overrides any of these),
        // before the services' own defaults.
        // Logging is set up before initializers run, so its levels go in as default properties. INFO from
        // every processor and pool would drown the figures; warnings and errors still show.
        ConfigurableApplicationContext context = new SpringApplicationBuilder(BenchApplication.class)
                .properties(Map.of("logging.level.root", "WARN",
                        // HiveMQ CE's jar carries a logback.xml that would otherwise replace Spring Boot's format
                        "logging.config", "classpath:io/vigil/platform/logback.xml"))
                .initializers(ctx -> ctx.getEnvironment().getPropertySources()
                        .addLast(new MapPropertySource("vigil-bench", p)))
                .run();
        BenchSystem system = new BenchSystem(proxmox, guacamole, context, jdbcUrl, redisUri, p);
        system.awaitReady();
        return system;
    }

    /**
     * A fresh install admits nothing until it has sampled the nodes and found its templates in the cluster (both
     * within a second of start-up); measuring starts after that.
     */
    private void awaitReady() {
        var nodes = context.getBean(io.vigil.command.node.NodeStatusCache.class);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            Integer located = jdbc.queryForObject(
                    "SELECT count(*) FROM admission_template WHERE located_node IS NOT NULL", Integer.class);
            if (!nodes.snapshot().isEmpty() && located != null && located >= 3) {
                return;
            }
            sleep(Duration.ofMillis(50));
        }
        throw new IllegalStateException("the system did not get ready (nodes sampled, templates located) in 60 s");
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    String token(String user) {
        return tokens.issue(user, List.of(Role.ENGINEER)).token();
    }

    String property(String name) {
        return context.getEnvironment().getProperty(name);
    }

    List<StreamingEventProcessor> trackingProcessors() {
        List<StreamingEventProcessor> result = new ArrayList<>();
        for (EventProcessor p : context.getBean(EventProcessingConfiguration.class).eventProcessors().values()) {
            if (p instanceof StreamingEventProcessor s) {
                result.add(s);
            }
        }
        return result;
    }

    void stopTrackingProcessors() {
        trackingProcessors().forEach(EventProcessor::shutDown);
    }

    void startTrackingProcessors() {
        trackingProcessors().forEach(EventProcessor::start);
    }

    /**
     * Waits until every tracking processor has handled everything in the event store, so one measurement's
     * backlog does not spill into the next. Returns false if that did not happen within {@code max}.
     */
    boolean awaitProcessorsIdle(Duration max) {
        EventStore store = context.getBean(EventStore.class);
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            TrackingToken head = store.createHeadToken();
            long headPosition = head == null ? -1 : head.position().orElse(-1);
            boolean idle = true;
            for (StreamingEventProcessor p : trackingProcessors()) {
                Map<Integer, EventTrackerStatus> status = p.processingStatus();
                if (status.isEmpty()) {
                    idle = false;
                }
                for (EventTrackerStatus s : status.values()) {
                    OptionalLong position = s.getCurrentPosition();
                    if (s.isErrorState() || position.isEmpty() || position.getAsLong() < headPosition) {
                        idle = false;
                    }
                }
            }
            if (idle) {
                return true;
            }
            sleep(Duration.ofMillis(20));
        }
        return false;
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            context.close();
        } finally {
            proxmox.close();
            guacamole.close();
        }
    }
}

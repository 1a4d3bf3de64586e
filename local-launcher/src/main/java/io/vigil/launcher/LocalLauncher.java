package io.vigil.launcher;

import io.vigil.simulators.guacamole.GuacamoleSimConfig;
import io.vigil.simulators.guacamole.GuacamoleSimulator;
import io.vigil.simulators.proxmox.ProxmoxSimConfig;
import io.vigil.simulators.proxmox.ProxmoxSimulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * The whole system in one process for one person on one machine: command side, query side, and whatever is not
 * given from outside started here — PostgreSQL and Redis (embedded), a simulated Proxmox cluster on its usual
 * port 8006 and a simulated Guacamole on 8081. Give {@code --spring.datasource.url=...},
 * {@code --vigil.redis.uri=...} or {@code --vigil.proxmox.base-url=...} to use real ones instead.
 */
public final class LocalLauncher {
    private static final Logger log = LoggerFactory.getLogger(LocalLauncher.class);
    static final int PROXMOX_PORT = 8006;
    static final int GUACAMOLE_PORT = 8081;
    static final String PROXMOX_TOKEN_ID = "root@pam!vigil";
    static final String PROXMOX_TOKEN_SECRET = "local-run-secret";

    private LocalLauncher() {
    }

    public static void main(String[] args) throws Exception {
        StandardEnvironment given = new StandardEnvironment();
        given.getPropertySources().addFirst(new SimpleCommandLinePropertySource(args));
        Path home = Path.of(given.getProperty("vigil.home", ".vigil")).toAbsolutePath();
        EmbeddedServices embedded = new EmbeddedServices(home);
        Map<String, Object> local = new HashMap<>();
        // this machine only, unless told otherwise (--server.address=0.0.0.0)
        local.put("server.address", "127.0.0.1");
        local.put("vigil.security.jwt-secret", embedded.jwtSecret());

        if (!given.containsProperty("spring.datasource.url")) {
            String jdbc = embedded.startPostgres(Integer.parseInt(given.getProperty("vigil.local.postgres-port", "5438")));
            local.put("spring.datasource.url", jdbc);
            local.put("spring.datasource.username", "postgres");
            local.put("spring.datasource.password", "");
        }
        String jdbcUrl = given.getProperty("spring.datasource.url", (String) local.get("spring.datasource.url"));
        local.put("spring.r2dbc.url", jdbcUrl.replaceFirst("^jdbc:", "r2dbc:"));
        local.put("spring.r2dbc.username", given.getProperty("spring.datasource.username", "postgres"));
        local.put("spring.r2dbc.password", given.getProperty("spring.datasource.password", ""));
        if (!given.containsProperty("vigil.redis.uri")) {
            local.put("vigil.redis.uri", embedded.startRedis());
        }
        if (!given.containsProperty("vigil.mqtt.url")) {
            // the device channel's broker in this process, on 1884 so that it never meets a broker on 1883;
            // devices log in with their id and key, the cloud with a secret kept beside the database
            local.put("vigil.mqtt.embedded-broker.enabled", "true");
            local.put("vigil.mqtt.embedded-broker.data-dir", home.resolve("mqtt").toString());
            local.put("vigil.mqtt.password", embedded.secret("mqtt-secret"));
        }
        ProxmoxSimulator proxmox = null;
        GuacamoleSimulator guacamole = null;
        if (!given.containsProperty("vigil.proxmox.base-url")) {
            // The simulated cluster keeps its VMs, tasks and connections beside the database, so a restart of the
            // local run strands nothing, as a real cluster outlives a restart of Vigil.
            proxmox = ProxmoxSimulator.start(ProxmoxSimConfig.defaults()
                    .withPort(PROXMOX_PORT)
                    .withApiToken(PROXMOX_TOKEN_ID + "=" + PROXMOX_TOKEN_SECRET)
                    .withStateFile(home.resolve("proxmox-sim.json"))
                    .withFaults(ProxmoxSimConfig.Faults.NONE.withTaskWarnings(0.05))
                    .withLatencies(ProxmoxSimConfig.Latencies.NONE
                            .withLinkedClone(Duration.ofSeconds(1))
                            .withStart(Duration.ofSeconds(1))
                            .withBoot(Duration.ofSeconds(3))
                            .withStop(Duration.ofMillis(500))
                            .withDelete(Duration.ofMillis(500))
                            .withSuspend(Duration.ofSeconds(2))
                            .withResume(Duration.ofSeconds(2))));
            local.put("vigil.proxmox.base-url", proxmox.baseUrl());
            local.put("vigil.proxmox.token-id", PROXMOX_TOKEN_ID);
            local.put("vigil.proxmox.token-secret", PROXMOX_TOKEN_SECRET);
            local.put("vigil.provisioning.guest-port-override", proxmox.guestPort());
            // simulated guests listen on this host's loopback; a real cluster's guests never do
            local.put("vigil.provisioning.accept-loopback-guests", "true");
            local.put("vigil.reconcile.interval", "1m");
            guacamole = GuacamoleSimulator.start(GuacamoleSimConfig.defaults().withPort(GUACAMOLE_PORT)
                    .withStateFile(home.resolve("guacamole-sim.json")));
            local.put("vigil.guacamole.base-url", guacamole.baseUrl());
            local.put("vigil.guacamole.username", guacamole.config().username());
            local.put("vigil.guacamole.password", guacamole.config().password());
            // tokens for anyone, from this machine only: with simulators there is nothing real to protect
            local.put("vigil.security.dev-tokens", "true");
            // short enough to watch a session hibernate during a tour (production: 10 and 5 minutes, 15 s)
            local.put("vigil.hibernation.idle-threshold", "2m");
            local.put("vigil.hibernation.warning", "1m");
            local.put("vigil.hibernation.activity-poll-interval", "5s");
            log.info("Simulated Proxmox VE API on {} (token {}=...), simulated Guacamole on {}",
                    proxmox.baseUrl(), PROXMOX_TOKEN_ID, guacamole.baseUrl());
        }

        SpringApplication app = new SpringApplication(VigilApplication.class);
        // after command-line arguments and environment variables, before the services' own defaults
        app.addInitializers(context -> context.getEnvironment().getPropertySources()
                .addLast(new MapPropertySource("vigil-local-run", local)));
        ProxmoxSimulator finalProxmox = proxmox;
        GuacamoleSimulator finalGuacamole = guacamole;
        // after the context has closed (its lifecycle beans stopped), not on ContextClosedEvent, which comes first:
        // the database and the simulators must outlive every processor, saga and the broker's sessions
        SpringApplication.getShutdownHandlers().add(() -> {
            if (finalProxmox != null) {
                finalProxmox.close();
            }
            if (finalGuacamole != null) {
                finalGuacamole.close();
            }
            try {
                embedded.close();
            } catch (java.io.IOException ex) {
                log.warn("Could not stop embedded services cleanly", ex);
            }
        });
        ConfigurableApplicationContext context = app.run(args);
        log.info("Vigil is up: API on http://localhost:{} — get a token with POST /api/v1/dev/tokens",
                context.getEnvironment().getProperty("local.server.port", "8080"));
    }
}

package io.vigil.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.core.UserId;
import io.vigil.core.session.HibernateSession;
import io.vigil.core.session.RequestSession;
import io.vigil.core.session.ResumeSession;
import io.vigil.core.session.SessionId;
import io.vigil.core.session.SessionType;
import io.vigil.core.template.TemplateId;
import io.vigil.platform.test.TestServices;
import io.vigil.simulators.guacamole.GuacamoleSimConfig;
import io.vigil.simulators.guacamole.GuacamoleSimulator;
import io.vigil.simulators.proxmox.ProxmoxSimConfig;
import io.vigil.simulators.proxmox.ProxmoxSimulator;
import io.vigil.simulators.proxmox.VmSnapshot;
import java.time.Duration;
import java.util.Map;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The process goes away in the middle of a saga: while a VM is cloned, suspended or resumed. The saga's state,
 * its pending deadline and what it already did are in PostgreSQL, so a new process on the same database
 * finishes the work, without a second VM and without a VM half-suspended behind the session's back.
 */
class RestartMidSagaTest {
    static final UserId ALICE = new UserId("alice");

    @Test
    void a_restart_in_the_middle_of_provisioning_finishes_the_session_with_one_vm() {
        try (ProxmoxSimulator proxmox = ProxmoxSimulator.start(ProxmoxSimConfig.defaults().withLatencies(
                ProxmoxSimConfig.Latencies.NONE.withLinkedClone(Duration.ofSeconds(2))));
             GuacamoleSimulator guacamole = GuacamoleSimulator.start(GuacamoleSimConfig.defaults())) {
            String database = TestServices.freshDatabase();
            SessionId id = SessionId.generate();

            try (ConfigurableApplicationContext first = start(database, proxmox, guacamole)) {
                first.getBean(CommandGateway.class).sendAndWait(new RequestSession(id, ALICE,
                        new TemplateId("ubuntu-22-04"), 60, SessionType.EPHEMERAL));
                // the clone takes 2 s: stop while the VM exists but the session is not active yet
                await().atMost(Duration.ofSeconds(15)).until(() -> proxmox.vms().stream()
                        .anyMatch(vm -> id.vmName().equals(vm.name())) && "provisioning".equals(status(first, id)));
            }

            try (ConfigurableApplicationContext second = start(database, proxmox, guacamole)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> "active".equals(status(second, id)));
                assertThat(proxmox.vms()).filteredOn(vm -> id.vmName().equals(vm.name())).hasSize(1);
            }
        }
    }

    @Test
    void a_restart_in_the_middle_of_hibernation_finishes_it() {
        try (ProxmoxSimulator proxmox = ProxmoxSimulator.start(ProxmoxSimConfig.defaults().withLatencies(
                ProxmoxSimConfig.Latencies.NONE.withSuspend(Duration.ofSeconds(2))));
             GuacamoleSimulator guacamole = GuacamoleSimulator.start(GuacamoleSimConfig.defaults())) {
            String database = TestServices.freshDatabase();
            SessionId id = SessionId.generate();

            try (ConfigurableApplicationContext first = start(database, proxmox, guacamole)) {
                activeSession(first, id);
                first.getBean(CommandGateway.class).sendAndWait(new HibernateSession(id, ALICE, false));
                // the suspend takes 2 s: stop while Proxmox is still writing the RAM to disk
                await().atMost(Duration.ofSeconds(15)).until(() -> "suspending".equals(status(first, id))
                        && "running".equals(vm(proxmox, id).status()));
            }

            try (ConfigurableApplicationContext second = start(database, proxmox, guacamole)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> "hibernating".equals(status(second, id)));
                assertThat(vm(proxmox, id).lock()).isEqualTo("suspended");
                assertThat(guacamole.connections()).noneMatch(c -> c.name().equals(id.vmName()));
            }
        }
    }

    @Test
    void a_restart_in_the_middle_of_resume_finishes_it_with_one_connection() {
        try (ProxmoxSimulator proxmox = ProxmoxSimulator.start(ProxmoxSimConfig.defaults().withLatencies(
                ProxmoxSimConfig.Latencies.NONE.withResume(Duration.ofSeconds(2))));
             GuacamoleSimulator guacamole = GuacamoleSimulator.start(GuacamoleSimConfig.defaults())) {
            String database = TestServices.freshDatabase();
            SessionId id = SessionId.generate();

            try (ConfigurableApplicationContext first = start(database, proxmox, guacamole)) {
                activeSession(first, id);
                CommandGateway commands = first.getBean(CommandGateway.class);
                commands.sendAndWait(new HibernateSession(id, ALICE, false));
                await().atMost(Duration.ofSeconds(15)).until(() -> "hibernating".equals(status(first, id)));
                commands.sendAndWait(new ResumeSession(id, ALICE, false));
                await().atMost(Duration.ofSeconds(15)).until(() -> "resuming".equals(status(first, id)));
            }

            try (ConfigurableApplicationContext second = start(database, proxmox, guacamole)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> "active".equals(status(second, id)));
                assertThat(vm(proxmox, id).status()).isEqualTo("running");
                assertThat(guacamole.connections()).filteredOn(c -> c.name().equals(id.vmName())).hasSize(1);
            }
        }
    }

    @Test
    void the_local_runs_cluster_outlives_a_restart_so_an_active_session_keeps_its_vm_and_hibernates() throws Exception {
        java.nio.file.Path home = java.nio.file.Files.createTempDirectory("vigil-home");
        ProxmoxSimConfig pveConfig = ProxmoxSimConfig.defaults().withStateFile(home.resolve("proxmox-sim.json"));
        GuacamoleSimConfig guacConfig = GuacamoleSimConfig.defaults().withStateFile(home.resolve("guacamole-sim.json"));
        String database = TestServices.freshDatabase();
        SessionId id = SessionId.generate();
        ProxmoxSimulator proxmox = ProxmoxSimulator.start(pveConfig);
        GuacamoleSimulator guacamole = GuacamoleSimulator.start(guacConfig);
        try (ConfigurableApplicationContext first = start(database, proxmox, guacamole)) {
            activeSession(first, id);
        } finally {
            proxmox.close();
            guacamole.close();
        }

        // the whole local run restarts: simulators (new ports) and Vigil, on the same ./.vigil
        try (ProxmoxSimulator again = ProxmoxSimulator.start(pveConfig);
             GuacamoleSimulator guacAgain = GuacamoleSimulator.start(guacConfig);
             ConfigurableApplicationContext second = start(database, again, guacAgain)) {
            assertThat(vm(again, id).status()).isEqualTo("running");
            assertThat(guacAgain.connections()).filteredOn(c -> c.name().equals(id.vmName())).hasSize(1);
            var report = second.getBean(io.vigil.command.reconcile.Reconciler.class).run("test", ALICE);
            assertThat(report.findings()).isEmpty();
            second.getBean(CommandGateway.class).sendAndWait(new HibernateSession(id, ALICE, false));
            await().atMost(Duration.ofSeconds(30)).until(() -> "hibernating".equals(status(second, id)));
            assertThat(vm(again, id).lock()).isEqualTo("suspended");
        }
    }

    private static void activeSession(ConfigurableApplicationContext context, SessionId id) {
        context.getBean(CommandGateway.class).sendAndWait(new RequestSession(id, ALICE,
                new TemplateId("ubuntu-22-04"), 60, SessionType.EPHEMERAL));
        await().atMost(Duration.ofSeconds(15)).until(() -> "active".equals(status(context, id)));
    }

    private static VmSnapshot vm(ProxmoxSimulator proxmox, SessionId id) {
        return proxmox.vms().stream().filter(vm -> id.vmName().equals(vm.name())).findFirst().orElseThrow();
    }

    private static String status(ConfigurableApplicationContext context, SessionId id) {
        return context.getBean(JdbcTemplate.class).queryForList("SELECT status FROM session_view WHERE session_id = ?",
                String.class, id.value()).stream().findFirst().orElse("absent");
    }

    private static ConfigurableApplicationContext start(String database, ProxmoxSimulator proxmox, GuacamoleSimulator guacamole) {
        Map<String, Object> properties = Map.ofEntries(
                Map.entry("server.port", "0"),
                Map.entry("spring.datasource.url", database),
                Map.entry("spring.datasource.username", "postgres"),
                Map.entry("spring.datasource.password", ""),
                Map.entry("spring.r2dbc.url", database.replace("jdbc:", "r2dbc:")),
                Map.entry("spring.r2dbc.username", "postgres"),
                Map.entry("spring.r2dbc.password", ""),
                Map.entry("vigil.redis.uri", TestServices.redisUri()),
                Map.entry("vigil.security.jwt-secret", TestServices.JWT_SECRET),
                Map.entry("vigil.proxmox.base-url", proxmox.baseUrl()),
                Map.entry("vigil.guacamole.base-url", guacamole.baseUrl()),
                Map.entry("vigil.guacamole.username", "guacadmin"),
                Map.entry("vigil.guacamole.password", "guacadmin"),
                Map.entry("vigil.provisioning.guest-port-override", String.valueOf(proxmox.guestPort())),
                Map.entry("vigil.provisioning.accept-loopback-guests", "true"),
                // a step repeated after the restart may find the VM still locked by the interrupted task
                Map.entry("vigil.provisioning.retry-backoff", "200ms,500ms,1s"),
                Map.entry("spring.datasource.hikari.maximum-pool-size", "10"),
                Map.entry("spring.datasource.hikari.minimum-idle", "2"),
                Map.entry("spring.r2dbc.pool.initial-size", "1"),
                Map.entry("spring.r2dbc.pool.max-size", "5"));
        // as arguments: the services' own defaults (@PropertySource) outrank SpringApplication's default properties
        ConfigurableApplicationContext context = new SpringApplicationBuilder(VigilApplication.class)
                .run(properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new));
        Simulated.awaitReady(context);
        return context;
    }
}

package io.vigil.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.command.trigger.TriggerSteps;
import io.vigil.core.OrgId;
import io.vigil.core.device.DeviceId;
import io.vigil.core.trigger.TriggerId;
import io.vigil.platform.security.Role;
import io.vigil.platform.test.TestServices;
import io.vigil.simulators.guacamole.GuacamoleSimConfig;
import io.vigil.simulators.guacamole.GuacamoleSimulator;
import io.vigil.simulators.proxmox.ProxmoxSimConfig;
import io.vigil.simulators.proxmox.ProxmoxSimulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Two processes schedule one fleet on one database; one is killed (SIGKILL) in the middle of its work. There is no
 * leader to fail over: every instance claims due runs with SKIP LOCKED, the dead one's locks go with its
 * connections, and the survivor goes on firing every device at its cadence, each run once.
 */
class SchedulerTakeoverTest extends LocalRunTest {
    static final ProxmoxSimulator proxmox = ProxmoxSimulator.start(ProxmoxSimConfig.defaults().withApiToken(Simulated.PROXMOX_TOKEN));
    static final GuacamoleSimulator guacamole = GuacamoleSimulator.start(GuacamoleSimConfig.defaults());

    @Autowired
    TriggerSteps steps;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        Simulated.register(registry, proxmox, guacamole);
    }

    @AfterAll
    static void stopSimulators() {
        proxmox.close();
        guacamole.close();
    }

    @Test
    void a_second_process_goes_on_scheduling_when_the_first_is_killed() throws Exception {
        String admin = "Bearer " + tokens.issue("admin", List.of(Role.ADMIN), new OrgId("acme")).token();
        List<String> ids = IntStream.range(0, 40).mapToObj(i -> String.format("TAKE_%02d", i)).toList();
        ids.forEach(id -> http.post().uri("/api/v1/devices").header("Authorization", admin)
                .bodyValue(Map.of("device_id", id, "config", Map.of("trigger", Map.of("enabled", true, "interval_seconds", 10))))
                .exchange().expectStatus().isCreated());
        // the devices capture at once: every trigger ends within a second, so each run can fire
        ScheduledExecutorService devices = Executors.newSingleThreadScheduledExecutor();
        devices.scheduleWithFixedDelay(() -> jdbc.queryForList("SELECT trigger_id, device_id FROM trigger_inflight"
                + " WHERE device_id LIKE 'TAKE\\_%'").forEach(t -> steps.submit(new TriggerSteps.Executed(
                new TriggerId((String) t.get("trigger_id")), new DeviceId((String) t.get("device_id")), null))),
                200, 200, TimeUnit.MILLISECONDS);

        Process other = startSecondProcess();
        try {
            // both schedule for a while, then the other one dies without a word
            await().atMost(Duration.ofSeconds(25)).until(() -> scheduledRuns() >= 60);
            other.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            long atKill = scheduledRuns();

            await().atMost(Duration.ofSeconds(40)).until(() -> ids.stream().allMatch(id -> runsAfter(id, atKill) >= 2));
            assertThat(jdbc.queryForObject("""
                            SELECT count(*) FROM (SELECT p ->> 'scheduledFor' FROM (SELECT convert_from(payload, 'UTF8')::jsonb AS p
                                FROM domainevententry WHERE payloadtype = 'io.vigil.core.trigger.TriggerCreated') c
                            GROUP BY p -> 'deviceId' ->> 'value', p ->> 'scheduledFor' HAVING count(*) > 1) twice""",
                    Long.class)).as("runs fired twice").isZero();
        } finally {
            other.destroyForcibly();
            devices.shutdownNow();
        }
    }

    private long scheduledRuns() {
        return jdbc.queryForObject("SELECT count(*) FROM domainevententry WHERE payloadtype = 'io.vigil.core.trigger.TriggerCreated'",
                Long.class);
    }

    private long runsAfter(String device, long globalCount) {
        return jdbc.queryForObject("""
                        SELECT count(*) FROM domainevententry WHERE payloadtype = 'io.vigil.core.trigger.TriggerCreated'
                          AND convert_from(payload, 'UTF8')::jsonb -> 'deviceId' ->> 'value' = ?
                          AND globalindex > (SELECT globalindex FROM domainevententry
                              WHERE payloadtype = 'io.vigil.core.trigger.TriggerCreated' ORDER BY globalindex
                              OFFSET ? LIMIT 1)""",
                Long.class, device, globalCount - 1);
    }

    /** The local launcher in a JVM of its own, on this test's database and simulators; ready when it answers. */
    private Process startSecondProcess() throws Exception {
        int port = TestServices.freePort();
        Path home = Files.createTempDirectory("vigil-second");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var env = context.getEnvironment();
        Process process = new ProcessBuilder(javaBin, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                LocalLauncher.class.getName(),
                "--server.port=" + port, "--vigil.home=" + home,
                "--spring.datasource.url=" + env.getProperty("spring.datasource.url"),
                "--spring.datasource.username=postgres", "--spring.datasource.password=",
                "--spring.datasource.hikari.maximum-pool-size=5",
                "--vigil.redis.uri=" + env.getProperty("vigil.redis.uri"),
                "--vigil.security.jwt-secret=" + TestServices.JWT_SECRET,
                "--vigil.proxmox.base-url=" + proxmox.baseUrl(), "--vigil.proxmox.token-id=root@pam!vigil",
                "--vigil.proxmox.token-secret=s3cret",
                "--vigil.guacamole.base-url=" + guacamole.baseUrl(), "--vigil.guacamole.username=guacadmin",
                "--vigil.guacamole.password=guacadmin",
                "--vigil.mqtt.url=tcp://127.0.0.1:1", "--vigil.mqtt.enabled=false")
                .redirectErrorStream(true).redirectOutput(home.resolve("out.log").toFile()).start();
        HttpClient client = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(90)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("the second process ended: " + Files.readString(home.resolve("out.log")));
            }
            try {
                return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
            } catch (java.io.IOException e) {
                return false;
            }
        });
        return process;
    }
}

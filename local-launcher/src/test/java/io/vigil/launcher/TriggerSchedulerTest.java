package io.vigil.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.command.TriggerProperties;
import io.vigil.command.trigger.TriggerArchiver;
import io.vigil.command.trigger.TriggerScheduler;
import io.vigil.command.trigger.TriggerSteps;
import io.vigil.core.OrgId;
import io.vigil.core.device.DeviceId;
import io.vigil.core.trigger.TriggerId;
import io.vigil.platform.security.Role;
import io.vigil.simulators.guacamole.GuacamoleSimConfig;
import io.vigil.simulators.guacamole.GuacamoleSimulator;
import io.vigil.simulators.proxmox.ProxmoxSimConfig;
import io.vigil.simulators.proxmox.ProxmoxSimulator;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;

/**
 * The cloud's scheduler on real PostgreSQL: devices' runs fire as triggers their streams carry, each due run fires
 * once however many schedulers claim at the same time, runs missed during a downtime coalesce into one, and a
 * device with a trigger in flight gets no second one.
 */
class TriggerSchedulerTest extends LocalRunTest {
    static final ProxmoxSimulator proxmox = ProxmoxSimulator.start(ProxmoxSimConfig.defaults().withApiToken(Simulated.PROXMOX_TOKEN));
    static final GuacamoleSimulator guacamole = GuacamoleSimulator.start(GuacamoleSimConfig.defaults());
    static final ParameterizedTypeReference<ServerSentEvent<Map<String, Object>>> SSE = new ParameterizedTypeReference<>() { };

    @Autowired
    TriggerScheduler scheduler;
    @Autowired
    TriggerSteps steps;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        Simulated.register(registry, proxmox, guacamole);
        // the tests drive the scheduler themselves (as many instances would), so they know who claimed what
        registry.add("vigil.triggers.schedule.poll-interval", () -> "1h");
    }

    /** Runs the scheduler as its poll would, until it finds nothing due; answers whether {@code condition} holds. */
    private boolean schedulingUntil(Callable<Boolean> condition) throws Exception {
        while (scheduler.runOnce() > 0) {
            // drain
        }
        return condition.call();
    }

    @AfterAll
    static void stopSimulators() {
        proxmox.close();
        guacamole.close();
    }

    private String device(String id, Map<String, Object> trigger) {
        String admin = "Bearer " + tokens.issue("admin", List.of(Role.ADMIN), new OrgId("acme")).token();
        return (String) http.post().uri("/api/v1/devices").header("Authorization", admin)
                .bodyValue(Map.of("device_id", id, "config", Map.of("trigger", trigger))).exchange()
                .expectStatus().isCreated().expectBody(JSON).returnResult().getResponseBody().get("api_key");
    }

    private List<String> scheduledTriggers(String deviceId) {
        return jdbc.queryForList("""
                        SELECT aggregateidentifier FROM domainevententry
                        WHERE payloadtype = 'io.vigil.core.trigger.TriggerCreated'
                          AND convert_from(payload, 'UTF8')::jsonb -> 'deviceId' ->> 'value' = ? ORDER BY globalindex""",
                String.class, deviceId);
    }

    @Test
    void a_devices_interval_fires_triggers_its_stream_carries_one_at_a_time() throws Exception {
        String key = device("SCHED_CAM", Map.of("enabled", true, "interval_seconds", 10));
        List<ServerSentEvent<Map<String, Object>>> received = new CopyOnWriteArrayList<>();
        Disposable stream = WebClient.create("http://localhost:" + port).get().uri("/v1/devices/SCHED_CAM/commands")
                .header("X-Device-Key", key).retrieve().bodyToFlux(SSE).subscribe(received::add);
        try {
            await().atMost(Duration.ofSeconds(15)).until(() -> schedulingUntil(
                    () -> received.stream().anyMatch(e -> e.id() != null)));
            ServerSentEvent<Map<String, Object>> first = received.stream().filter(e -> e.id() != null).findFirst().get();
            assertThat(first.data()).containsEntry("trigger_type", "scheduled")
                    .containsEntry("trigger_label", "scheduled_interval").containsKey("scheduled_for");
            String firstId = first.id();
            steps.submit(new TriggerSteps.Ack(new TriggerId(firstId), new DeviceId("SCHED_CAM"), true, null)).get();
            // while it waits for its capture, the next run (10 s later) finds it in flight and does not fire
            await().atMost(Duration.ofSeconds(15)).until(() -> schedulingUntil(() -> jdbc.queryForObject(
                    "SELECT next_run_at > now() + interval '5 seconds' FROM device_registry WHERE device_id = 'SCHED_CAM'",
                    Boolean.class)));
            assertThat(scheduledTriggers("SCHED_CAM")).containsExactly(firstId);
            steps.submit(new TriggerSteps.Executed(new TriggerId(firstId), new DeviceId("SCHED_CAM"), null)).get();
            await().atMost(Duration.ofSeconds(15)).until(() -> schedulingUntil(
                    () -> received.stream().anyMatch(e -> e.id() != null && !e.id().equals(firstId))));
            String second = received.stream().map(ServerSentEvent::id).filter(id -> id != null && !id.equals(firstId))
                    .findFirst().get();
            assertThat(scheduledTriggers("SCHED_CAM")).containsExactly(firstId, second);
        } finally {
            stream.dispose();
        }
    }

    @Test
    void each_due_run_fires_once_however_many_schedulers_claim_at_the_same_time() throws Exception {
        List<String> ids = IntStream.range(0, 300).mapToObj(i -> String.format("RACE_%03d", i)).toList();
        ids.forEach(id -> device(id, Map.of("enabled", true, "interval_seconds", 3600)));
        jdbc.update("UPDATE device_registry SET next_run_at = now() WHERE device_id LIKE 'RACE\\_%'");

        int schedulers = 4;
        ExecutorService pool = Executors.newFixedThreadPool(schedulers);
        CountDownLatch start = new CountDownLatch(1);
        List<Callable<Integer>> runs = new ArrayList<>();
        for (int i = 0; i < schedulers; i++) {
            runs.add(() -> {
                start.await();
                int claimed = 0;
                for (int n; (n = scheduler.runOnce()) > 0; ) {
                    claimed += n;
                }
                return claimed;
            });
        }
        List<Future<Integer>> futures = runs.stream().map(pool::submit).toList();
        start.countDown();
        int total = 0;
        for (Future<Integer> f : futures) {
            total += f.get();
        }
        pool.shutdown();

        assertThat(total).isGreaterThanOrEqualTo(300);
        Map<String, Object> counts = jdbc.queryForMap("""
                        SELECT count(*) AS triggers, count(DISTINCT convert_from(payload, 'UTF8')::jsonb -> 'deviceId' ->> 'value') AS devices
                        FROM domainevententry WHERE payloadtype = 'io.vigil.core.trigger.TriggerCreated'
                          AND convert_from(payload, 'UTF8')::jsonb -> 'deviceId' ->> 'value' LIKE 'RACE\\_%'""");
        assertThat(counts).containsEntry("triggers", 300L).containsEntry("devices", 300L);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM trigger_inflight WHERE device_id LIKE 'RACE\\_%'", Long.class))
                .isEqualTo(300L);
    }

    @Test
    void concurrent_and_repeated_acks_of_a_fleet_record_each_step_once_in_order() throws Exception {
        List<String> ids = IntStream.range(0, 120).mapToObj(i -> String.format("ACK_%03d", i)).toList();
        ids.forEach(id -> device(id, Map.of("enabled", true, "interval_seconds", 3600)));
        jdbc.update("UPDATE device_registry SET next_run_at = now() WHERE device_id LIKE 'ACK\\_%'");
        while (scheduler.runOnce() > 0) {
            // fire them all
        }
        List<Map<String, Object>> inFlight = jdbc.queryForList(
                "SELECT trigger_id, device_id FROM trigger_inflight WHERE device_id LIKE 'ACK\\_%'");
        assertThat(inFlight).hasSize(120);

        // every device acks three times, from three threads at once, while the sends are recorded too
        ExecutorService pool = Executors.newFixedThreadPool(6);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int copy = 0; copy < 3; copy++) {
            done.add(pool.submit(() -> {
                start.await();
                List<java.util.concurrent.CompletableFuture<?>> acks = new ArrayList<>();
                for (Map<String, Object> t : inFlight) {
                    TriggerId trigger = new TriggerId((String) t.get("trigger_id"));
                    acks.add(steps.submit(new TriggerSteps.Sent(trigger, "mqtt")));
                    acks.add(steps.submit(new TriggerSteps.Ack(trigger, new DeviceId((String) t.get("device_id")), true, null)));
                }
                for (var ack : acks) {
                    ack.get();
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();

        List<Map<String, Object>> streams = jdbc.queryForList("""
                        SELECT aggregateidentifier, string_agg(substring(payloadtype from '[A-Za-z]+$'), ',' ORDER BY sequencenumber) AS types,
                               max(sequencenumber) + 1 = count(*) AS contiguous
                        FROM domainevententry WHERE aggregateidentifier IN (SELECT trigger_id FROM trigger_inflight
                            WHERE device_id LIKE 'ACK\\_%') GROUP BY aggregateidentifier""");
        assertThat(streams).hasSize(120).allSatisfy(stream -> {
            assertThat((Boolean) stream.get("contiguous")).isTrue();
            assertThat((String) stream.get("types")).isIn("TriggerCreated,TriggerSent,TriggerDelivered",
                    "TriggerCreated,TriggerDelivered");
        });
        assertThat(jdbc.queryForList("SELECT DISTINCT state FROM trigger_inflight WHERE device_id LIKE 'ACK\\_%'",
                String.class)).containsExactly("DELIVERED");
    }

    @Test
    void closed_triggers_leave_the_event_store_after_its_window_and_archived_days_are_dropped_whole() throws Exception {
        List<String> ids = IntStream.range(0, 30).mapToObj(i -> String.format("ARCH_%02d", i)).toList();
        ids.forEach(id -> device(id, Map.of("enabled", true, "interval_seconds", 3600)));
        jdbc.update("UPDATE device_registry SET next_run_at = now() WHERE device_id LIKE 'ARCH\\_%'");
        while (scheduler.runOnce() > 0) {
            // fire them all
        }
        List<Map<String, Object>> fired = jdbc.queryForList(
                "SELECT trigger_id, device_id FROM trigger_inflight WHERE device_id LIKE 'ARCH\\_%' ORDER BY device_id");
        // 20 end (executed or expired), 10 stay open
        for (int i = 0; i < 20; i++) {
            TriggerId t = new TriggerId((String) fired.get(i).get("trigger_id"));
            (i % 2 == 0 ? steps.submit(new TriggerSteps.Executed(t, new DeviceId((String) fired.get(i).get("device_id")), null))
                    : steps.submit(new TriggerSteps.Expire(t))).get();
        }
        String[] all = fired.stream().map(f -> (String) f.get("trigger_id")).toArray(String[]::new);
        TriggerProperties.Archive settings = new TriggerProperties.Archive(Duration.ofDays(7), Duration.ofDays(90),
                Duration.ofHours(1), 7);
        var transactions = new org.springframework.transaction.support.TransactionTemplate(
                context.getBean(org.springframework.transaction.PlatformTransactionManager.class));

        assertThat(new TriggerArchiver(jdbc, transactions, settings, Clock.systemUTC()).run()).isZero();
        TriggerArchiver eightDaysOn = new TriggerArchiver(jdbc, transactions, settings,
                Clock.offset(Clock.systemUTC(), Duration.ofDays(8)));
        assertThat(eightDaysOn.run()).isGreaterThanOrEqualTo(20);

        assertThat(jdbc.queryForObject("SELECT count(DISTINCT aggregateidentifier) FROM domainevententry"
                + " WHERE aggregateidentifier = ANY(?)", Long.class, (Object) all)).isEqualTo(10);
        assertThat(jdbc.queryForObject("SELECT count(DISTINCT aggregateidentifier) FROM trigger_event_archive"
                + " WHERE aggregateidentifier = ANY(?)", Long.class, (Object) all)).isEqualTo(20);
        // created, then executed without an ack (so delivered first): all three moved
        assertThat(jdbc.queryForObject("SELECT count(*) FROM trigger_event_archive WHERE aggregateidentifier = ?",
                Long.class, all[0])).isEqualTo(3);
        // a late report about an archived trigger is about nothing the system still holds
        assertThat(steps.submit(new TriggerSteps.Ack(new TriggerId(all[0]),
                new DeviceId((String) fired.get(0).get("device_id")), true, null)))
                .failsWithin(Duration.ofSeconds(10));

        assertThat(new TriggerArchiver(jdbc, transactions, settings,
                Clock.offset(Clock.systemUTC(), Duration.ofDays(100))).run()).isEqualTo(0);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM trigger_event_archive WHERE aggregateidentifier = ANY(?)",
                Long.class, (Object) all)).isZero();
    }

    @Test
    void a_run_that_meets_its_previous_trigger_at_the_end_of_its_life_expires_it_and_fires() throws Exception {
        device("LIFE_CAM", Map.of("enabled", true, "interval_seconds", 3600));
        jdbc.update("UPDATE device_registry SET next_run_at = now() WHERE device_id = 'LIFE_CAM'");
        while (scheduler.runOnce() > 0) {
            // fire
        }
        String first = jdbc.queryForObject("SELECT trigger_id FROM trigger_inflight WHERE device_id = 'LIFE_CAM'", String.class);
        steps.submit(new TriggerSteps.Ack(new TriggerId(first), new DeviceId("LIFE_CAM"), true, null)).get();
        // delivered, no capture came, and its time is up just as the next run is due (a scheduled trigger lives
        // until the next run): the run expires it in the same batch rather than skipping
        jdbc.update("UPDATE trigger_inflight SET expires_at = now() - interval '10 milliseconds' WHERE trigger_id = ?", first);
        jdbc.update("UPDATE device_registry SET next_run_at = now() WHERE device_id = 'LIFE_CAM'");
        while (scheduler.runOnce() > 0) {
            // fire again
        }
        assertThat(jdbc.queryForList("SELECT substring(payloadtype from '[A-Za-z]+$') FROM domainevententry"
                + " WHERE aggregateidentifier = ? ORDER BY sequencenumber", String.class, first))
                .containsExactly("TriggerCreated", "TriggerDelivered", "TriggerExpired");
        assertThat(scheduledTriggers("LIFE_CAM")).hasSize(2).startsWith(first);
        assertThat(jdbc.queryForObject("SELECT trigger_id FROM trigger_inflight WHERE device_id = 'LIFE_CAM'", String.class))
                .isNotEqualTo(first);
    }

    @Test
    void runs_missed_during_a_downtime_coalesce_into_one_trigger() throws Exception {
        device("DOWN_CAM", Map.of("enabled", true, "interval_seconds", 10));
        jdbc.update("UPDATE device_registry SET next_run_at = now() - interval '3 hours' WHERE device_id = 'DOWN_CAM'");
        await().atMost(Duration.ofSeconds(20)).until(() -> schedulingUntil(() -> !scheduledTriggers("DOWN_CAM").isEmpty()));
        assertThat(scheduledTriggers("DOWN_CAM")).hasSize(1);
        // the one coalesced run is in flight; 1,080 missed runs did not become 1,080 triggers
        assertThat(jdbc.queryForObject("SELECT count(*) FROM trigger_inflight WHERE device_id = 'DOWN_CAM'", Long.class))
                .isEqualTo(1L);
        assertThat(jdbc.queryForObject("SELECT next_run_at > now() FROM device_registry WHERE device_id = 'DOWN_CAM'",
                Boolean.class)).isTrue();
    }
}

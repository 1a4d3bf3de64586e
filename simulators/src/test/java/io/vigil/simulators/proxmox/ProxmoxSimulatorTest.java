package io.vigil.simulators.proxmox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.vigil.simulators.RawHttp;
import io.vigil.simulators.RawHttp.Response;
import io.vigil.simulators.proxmox.ProxmoxSimConfig.Faults;
import io.vigil.simulators.proxmox.ProxmoxSimConfig.Latencies;

class ProxmoxSimulatorTest {

    private ProxmoxSimulator sim;
    private RawHttp http;

    private void start(ProxmoxSimConfig config) {
        sim = ProxmoxSimulator.start(config);
        http = new RawHttp(sim.baseUrl());
    }

    @AfterEach
    void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    private Response clone(String node, int template, int newId) {
        return http.postForm("/nodes/" + node + "/qemu/" + template + "/clone",
                Map.of("newid", String.valueOf(newId), "name", "lab-" + newId));
    }

    private JsonTask task(String node, String upid) {
        Response r = http.get("/nodes/" + node + "/tasks/"
                + URLEncoder.encode(upid, StandardCharsets.UTF_8) + "/status");
        assertThat(r.status()).isEqualTo(200);
        return new JsonTask(r.data().path("status").asString(),
                r.data().path("exitstatus").asString(null), r.data().path("type").asString());
    }

    private record JsonTask(String status, String exitstatus, String type) {
    }

    private String action(String node, int vmid, String action) {
        Response r = http.postForm("/nodes/" + node + "/qemu/" + vmid + "/status/" + action, Map.of());
        assertThat(r.status()).as(r.reason()).isEqualTo(200);
        return r.data().asString();
    }

    @Test
    void nextid_clone_and_task_complete_in_the_real_shapes() {
        start(ProxmoxSimConfig.defaults());

        assertThat(http.get("/cluster/nextid").data().isString()).isTrue();
        assertThat(http.get("/cluster/nextid").data().asString()).isEqualTo("100");
        Response cloned = clone("pve-2", 9000, 100);
        String upid = cloned.data().asString();

        assertThat(upid).matches(
                "UPID:pve-2:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:qmclone:9000:root@pam:");
        assertThat(task("pve-2", upid)).isEqualTo(new JsonTask("stopped", "OK", "qmclone"));
        assertThat(http.get("/cluster/nextid").data().asString()).isEqualTo("101");
        Response taken = http.get("/cluster/nextid?vmid=100");
        assertThat(taken.status()).isEqualTo(400);
        assertThat(taken.body().path("errors").path("vmid").asString()).contains("already exists");
        assertThat(sim.vms()).contains(
                new VmSnapshot("pve-2", 100, "lab-100", "stopped", "stopped", null, false));
        assertThat(http.get("/nodes/pve-2/qemu").data().findValuesAsString("name"))
                .containsExactly("lab-100");
    }

    @Test
    void clone_into_a_taken_id_answers_500_with_the_reason_in_the_status_line() {
        start(ProxmoxSimConfig.defaults());
        clone("pve-1", 9001, 150);

        Response again = clone("pve-3", 9000, 150);

        assertThat(again.status()).isEqualTo(500);
        assertThat(again.reason())
                .isEqualTo("unable to create VM 150 - VM 150 already exists on node 'pve-1'");
        assertThat(again.body().has("data")).isTrue();
        assertThat(again.data().isNull()).isTrue();
    }

    @Test
    void unknown_vm_and_missing_parameter_use_the_real_error_shapes() {
        start(ProxmoxSimConfig.defaults());

        Response missing = http.get("/nodes/pve-1/qemu/4242/status/current");
        Response noNewId = http.postForm("/nodes/pve-1/qemu/9000/clone", Map.of());

        assertThat(missing.status()).isEqualTo(500);
        assertThat(missing.reason())
                .isEqualTo("Configuration file 'nodes/pve-1/qemu-server/4242.conf' does not exist");
        assertThat(noNewId.status()).isEqualTo(400);
        assertThat(noNewId.body().path("errors").path("newid").asString())
                .isEqualTo("property is missing and it is not optional");
    }

    @Test
    void a_slow_clone_shows_a_running_task_and_a_locked_vm_until_it_ends() {
        start(ProxmoxSimConfig.defaults()
                .withLatencies(Latencies.NONE.withLinkedClone(Duration.ofMillis(300))));

        String upid = clone("pve-1", 9000, 100).data().asString();

        assertThat(task("pve-1", upid).status()).isEqualTo("running");
        assertThat(http.get("/nodes/pve-1/qemu/100/status/current").data().path("lock").asString())
                .isEqualTo("clone");
        assertThat(http.postForm("/nodes/pve-1/qemu/100/status/start", Map.of()).reason())
                .isEqualTo("VM is locked (clone)");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> "stopped".equals(task("pve-1", upid).status()));
        assertThat(task("pve-1", upid).exitstatus()).isEqualTo("OK");
        assertThat(http.get("/nodes/pve-1/qemu/100/status/current").data().has("lock")).isFalse();
    }

    @Test
    void guest_agent_answers_only_once_the_boot_latency_has_passed() {
        start(ProxmoxSimConfig.defaults()
                .withLatencies(Latencies.NONE.withBoot(Duration.ofMillis(400))));
        clone("pve-1", 9000, 100);
        action("pve-1", 100, "start");

        Response early = http.get("/nodes/pve-1/qemu/100/agent/network-get-interfaces");

        assertThat(early.status()).isEqualTo(500);
        assertThat(early.reason()).isEqualTo("QEMU guest agent is not running");
        await().atMost(Duration.ofSeconds(5)).until(() ->
                http.get("/nodes/pve-1/qemu/100/agent/network-get-interfaces").status() == 200);
        Response booted = http.get("/nodes/pve-1/qemu/100/agent/network-get-interfaces");
        assertThat(booted.data().path("result").findValuesAsString("ip-address"))
                .contains("127.0.0.1");
        assertThat(booted.data().path("result").get(1).path("name").asString()).isEqualTo("eth0");
    }

    @Test
    void power_actions_follow_proxmox_rules() {
        start(ProxmoxSimConfig.defaults());
        clone("pve-4", 9002, 100);
        action("pve-4", 100, "start");

        assertThat(task("pve-4", action("pve-4", 100, "start")).exitstatus())
                .isEqualTo("VM 100 already running");
        assertThat(http.delete("/nodes/pve-4/qemu/100").reason())
                .isEqualTo("VM 100 is running - destroy failed");
        assertThat(http.get("/nodes/pve-4/status").data().path("memory").path("used").asLong())
                .isEqualTo(4096L * 1024 * 1024);

        action("pve-4", 100, "suspend");
        assertThat(http.get("/nodes/pve-4/qemu/100/status/current").data().path("qmpstatus")
                .asString()).isEqualTo("paused");
        action("pve-4", 100, "resume");
        http.postForm("/nodes/pve-4/qemu/100/status/suspend", Map.of("todisk", "1"));
        var hibernated = http.get("/nodes/pve-4/qemu/100/status/current").data();
        assertThat(hibernated.path("status").asString()).isEqualTo("stopped");
        assertThat(hibernated.path("lock").asString()).isEqualTo("suspended");
        assertThat(http.get("/nodes/pve-4/status").data().path("memory").path("used").asLong())
                .isZero();

        action("pve-4", 100, "resume");
        assertThat(http.get("/nodes/pve-4/qemu/100/agent/network-get-interfaces").status())
                .isEqualTo(200);
        action("pve-4", 100, "stop");
        assertThat(task("pve-4", http.delete("/nodes/pve-4/qemu/100").data().asString())
                .exitstatus()).isEqualTo("OK");
        assertThat(sim.vms()).noneMatch(vm -> vm.vmid() == 100);
    }

    @Test
    void faults_at_rate_one_hit_every_api_call_but_never_the_control_endpoints() {
        start(ProxmoxSimConfig.defaults());
        sim.setFaults(Faults.NONE.withHttp5xx(1.0));
        assertThat(http.get("/nodes").status()).isEqualTo(500);
        assertThat(new RawHttp(sim.baseUrl().replace("/api2/json", "")).get("/sim/config").status())
                .isEqualTo(200);

        sim.setFaults(Faults.NONE.withUnreachable595(1.0));
        Response unreachable = http.get("/nodes");
        assertThat(unreachable.status()).isEqualTo(595);
        assertThat(unreachable.reason()).isEqualTo("Connection refused");

        sim.setFaults(Faults.NONE.withLockTimeout(1.0));
        assertThat(clone("pve-1", 9000, 100).reason())
                .isEqualTo("can't lock file '/var/lock/qemu-server/lock-9000.conf' - got timeout");
        assertThat(http.get("/nodes/pve-1/qemu").status()).isEqualTo(200);

        sim.setFaults(Faults.NONE.withTaskFailure(1.0));
        String upid = clone("pve-1", 9000, 100).data().asString();
        assertThat(task("pve-1", upid).exitstatus()).startsWith("clone failed:");
        assertThat(sim.vms()).noneMatch(vm -> vm.vmid() == 100);
    }

    @Test
    void faults_and_unreachable_nodes_can_be_set_over_http() {
        start(ProxmoxSimConfig.defaults());
        RawHttp control = new RawHttp(sim.baseUrl().replace("/api2/json", ""));

        Response put = control.sendJson(HttpMethod.PUT, "/sim/config",
                "{\"faults\":{\"lockTimeout\":1.0},\"latencies\":{\"bootMs\":1500},"
                        + "\"unreachableNodes\":[\"pve-3\"]}");

        assertThat(put.status()).isEqualTo(200);
        assertThat(sim.config().faults().lockTimeout()).isEqualTo(1.0);
        assertThat(sim.config().latencies().boot()).isEqualTo(Duration.ofMillis(1500));
        assertThat(http.get("/nodes/pve-3/qemu").status()).isEqualTo(595);
        assertThat(http.get("/nodes").data().get(2).path("status").asString()).isEqualTo("offline");
    }

    @Test
    void a_configured_api_token_is_required() {
        start(ProxmoxSimConfig.defaults().withApiToken("root@pam!vigil=s3cret"));

        assertThat(http.get("/nodes").status()).isEqualTo(401);
        RawHttp wrong = new RawHttp(sim.baseUrl(),
                Map.of("Authorization", "PVEAPIToken=root@pam!vigil=nope"));
        assertThat(wrong.get("/nodes").status()).isEqualTo(401);
        RawHttp right = new RawHttp(sim.baseUrl(),
                Map.of("Authorization", "PVEAPIToken=root@pam!vigil=s3cret"));
        assertThat(right.get("/nodes").data().size()).isEqualTo(7);
        String upid = right.postForm("/nodes/pve-1/qemu/9000/clone", Map.of("newid", "100"))
                .data().asString();
        assertThat(upid).endsWith(":qmclone:9000:root@pam!vigil:");
    }

    @Test
    void the_guest_port_accepts_connections() throws Exception {
        start(ProxmoxSimConfig.defaults());
        try (Socket socket = new Socket("127.0.0.1", sim.guestPort())) {
            assertThat(socket.isConnected()).isTrue();
        }
    }
}

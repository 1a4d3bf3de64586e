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
import tools.jackson.databind.JsonNode;

import io.vigil.simulators.RawHttp;
import io.vigil.simulators.RawHttp.Response;
import io.vigil.simulators.proxmox.ProxmoxSimConfig.Faults;
import io.vigil.simulators.proxmox.ProxmoxSimConfig.Latencies;

/**
 * The simulator against what Proxmox VE 8 itself does (qemu-server's {@code PVE/API2/Qemu.pm}, stable-bookworm):
 * each test encodes one behaviour a client must cope with on a real cluster. Templates sit on pve-1.
 */
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

    private Response cloneTo(int template, int newId, String target) {
        return http.postForm("/nodes/pve-1/qemu/" + template + "/clone",
                Map.of("newid", String.valueOf(newId), "name", "lab-" + newId, "target", target));
    }

    private JsonTask task(String node, String upid) {
        Response r = http.get("/nodes/" + node + "/tasks/" + URLEncoder.encode(upid, StandardCharsets.UTF_8) + "/status");
        assertThat(r.status()).as(r.reason()).isEqualTo(200);
        return new JsonTask(r.data().path("status").asString(), r.data().path("exitstatus").asString(null),
                r.data().path("type").asString());
    }

    private JsonTask finished(String node, String upid) {
        await().atMost(Duration.ofSeconds(10)).until(() -> "stopped".equals(task(node, upid).status()));
        return task(node, upid);
    }

    private record JsonTask(String status, String exitstatus, String type) {
    }

    private String action(String node, int vmid, String action) {
        Response r = http.postForm("/nodes/" + node + "/qemu/" + vmid + "/status/" + action, Map.of());
        assertThat(r.status()).as(r.reason()).isEqualTo(200);
        return r.data().asString();
    }

    private JsonNode resource(int vmid) {
        for (JsonNode entry : http.get("/cluster/resources?type=vm").data()) {
            if (entry.path("vmid").asInt() == vmid) {
                return entry;
            }
        }
        return null;
    }

    @Test
    void nextid_clone_and_task_complete_in_the_real_shapes() {
        start(ProxmoxSimConfig.defaults());

        assertThat(http.get("/cluster/nextid").data().isString()).isTrue();
        assertThat(http.get("/cluster/nextid").data().asString()).isEqualTo("100");
        String upid = clone("pve-1", 9000, 100).data().asString();

        assertThat(upid).matches("UPID:pve-1:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:qmclone:9000:root@pam:");
        assertThat(task("pve-1", upid)).isEqualTo(new JsonTask("stopped", "OK", "qmclone"));
        assertThat(http.get("/cluster/nextid").data().asString()).isEqualTo("101");
        Response taken = http.get("/cluster/nextid?vmid=100");
        assertThat(taken.status()).isEqualTo(400);
        assertThat(taken.body().path("errors").path("vmid").asString()).isEqualTo("VM 100 already exists");
        assertThat(sim.vms()).contains(new VmSnapshot("pve-1", 100, "lab-100", "stopped", "stopped", null, false));
        assertThat(http.get("/nodes/pve-1/qemu").data().findValuesAsString("name")).contains("lab-100");
    }

    @Test
    void a_template_lives_on_one_node_and_a_clone_addressed_elsewhere_is_refused() {
        start(ProxmoxSimConfig.defaults());

        Response elsewhere = clone("pve-2", 9000, 100);

        assertThat(elsewhere.status()).isEqualTo(500);
        assertThat(elsewhere.reason()).isEqualTo("unable to find configuration file for VM 9000 on node 'pve-2'");
        assertThat(http.get("/nodes/pve-2/qemu/9000/status/current").reason())
                .isEqualTo("Configuration file 'nodes/pve-2/qemu-server/9000.conf' does not exist");
        assertThat(resource(9000).path("node").asString()).isEqualTo("pve-1");
        assertThat(resource(9000).path("template").asInt()).isEqualTo(1);
    }

    @Test
    void a_clone_to_another_node_runs_on_the_templates_node_unnamed_and_moves_when_it_ends() {
        start(ProxmoxSimConfig.defaults().withLatencies(Latencies.NONE.withLinkedClone(Duration.ofMillis(400))));

        String upid = cloneTo(9001, 100, "pve-3").data().asString();

        assertThat(upid).startsWith("UPID:pve-1:").contains(":qmclone:9001:");
        JsonNode during = resource(100);
        assertThat(during.path("node").asString()).isEqualTo("pve-1");
        assertThat(during.path("lock").asString()).isEqualTo("clone");
        assertThat(during.has("name")).as("no statistics pass has seen it yet").isFalse();
        assertThat(http.get("/nodes/pve-1/qemu/100/config").data().has("name")).isFalse();
        assertThat(http.get("/nodes/pve-1/qemu/100/status/current").data().path("name").asString())
                .as("vmstatus names a config without a name after its VMID").isEqualTo("VM 100");
        assertThat(http.get("/nodes/pve-3/qemu/100/status/current").status()).isEqualTo(500);
        assertThat(http.get("/nodes/pve-3/tasks/" + URLEncoder.encode(upid, StandardCharsets.UTF_8) + "/status")
                .body().path("errors").path("upid").asString()).isEqualTo("no such task");

        assertThat(finished("pve-1", upid).exitstatus()).isEqualTo("OK");
        JsonNode after = resource(100);
        assertThat(after.path("node").asString()).isEqualTo("pve-3");
        assertThat(after.has("lock")).isFalse();
        assertThat(http.get("/nodes/pve-3/qemu/100/config").data().path("name").asString()).isEqualTo("lab-100");
        assertThat(http.get("/nodes/pve-3/qemu/100/config").data().path("scsi0").asString())
                .startsWith("ceph-vm:base-9001-disk-0/vm-100-disk-0");
    }

    @Test
    void a_template_on_local_storage_cannot_be_cloned_to_another_node() {
        start(ProxmoxSimConfig.defaults().withTemplates(java.util.List.of(
                new ProxmoxSimConfig.TemplateSpec(9005, "local-template", 2048, "pve-2", "local-lvm"))));

        Response refused = http.postForm("/nodes/pve-2/qemu/9005/clone",
                Map.of("newid", "100", "target", "pve-4"));
        Response local = http.postForm("/nodes/pve-2/qemu/9005/clone", Map.of("newid", "101", "target", "pve-2"));

        assertThat(refused.status()).isEqualTo(500);
        assertThat(refused.reason()).isEqualTo("can't clone VM to node 'pve-4' (VM uses local storage)");
        assertThat(finished("pve-2", local.data().asString()).exitstatus()).isEqualTo("OK");
        assertThat(sim.vms()).anyMatch(vm -> vm.vmid() == 101 && vm.node().equals("pve-2"));
        assertThat(http.get("/storage/local-lvm").data().has("shared")).isFalse();
        assertThat(http.get("/storage/ceph-vm").data().path("shared").asInt()).isEqualTo(1);
    }

    @Test
    void a_taken_vmid_is_refused_at_once_on_this_node_and_at_the_end_of_the_task_on_another() {
        start(ProxmoxSimConfig.defaults());
        clone("pve-1", 9001, 150);
        assertThat(clone("pve-1", 9000, 150).reason()).isEqualTo("unable to create VM 150: config file already exists");

        finished("pve-1", cloneTo(9001, 151, "pve-5").data().asString());
        String upid = clone("pve-1", 9000, 151).data().asString();

        assertThat(finished("pve-1", upid).exitstatus())
                .isEqualTo("close (rename) atomic file '/etc/pve/nodes/pve-5/qemu-server/151.conf' failed: File exists");
        assertThat(sim.vms()).filteredOn(vm -> vm.vmid() == 151).singleElement()
                .extracting(VmSnapshot::node).isEqualTo("pve-5");
    }

    @Test
    void a_worker_waits_for_the_flock_of_a_running_clone_and_fails_when_it_waits_too_long() {
        start(ProxmoxSimConfig.defaults().withLockWait(Duration.ofMillis(200))
                .withLatencies(Latencies.NONE.withLinkedClone(Duration.ofSeconds(1))));
        String clone = clone("pve-1", 9000, 100).data().asString();

        Response destroy = http.delete("/nodes/pve-1/qemu/100");

        assertThat(destroy.status()).as("the API forks the worker; the lock is taken inside it").isEqualTo(200);
        assertThat(finished("pve-1", destroy.data().asString()).exitstatus())
                .isEqualTo("can't lock file '/var/lock/qemu-server/lock-100.conf' - got timeout");
        assertThat(finished("pve-1", clone).exitstatus()).isEqualTo("OK");
        assertThat(sim.vms()).anyMatch(vm -> vm.vmid() == 100 && "lab-100".equals(vm.name()));
    }

    @Test
    void a_start_sent_during_the_clone_runs_once_the_clone_releases_the_vm() {
        start(ProxmoxSimConfig.defaults().withLatencies(Latencies.NONE.withLinkedClone(Duration.ofMillis(300))));
        String clone = clone("pve-1", 9000, 100).data().asString();

        String start = action("pve-1", 100, "start");

        assertThat(task("pve-1", start).status()).isEqualTo("running");
        assertThat(finished("pve-1", start).exitstatus()).isEqualTo("OK");
        assertThat(task("pve-1", clone).exitstatus()).isEqualTo("OK");
        assertThat(sim.vms()).anyMatch(vm -> vm.vmid() == 100 && vm.running());
    }

    @Test
    void the_guest_agent_is_silent_then_reports_only_loopback_then_the_guests_address() {
        start(ProxmoxSimConfig.defaults().withGuestAddress("10.20.0.7")
                .withLatencies(Latencies.NONE.withBoot(Duration.ofMillis(1000))));
        finished("pve-1", clone("pve-1", 9000, 100).data().asString());
        finished("pve-1", action("pve-1", 100, "start"));
        String interfaces = "/nodes/pve-1/qemu/100/agent/network-get-interfaces";

        Response early = http.get(interfaces);
        assertThat(early.status()).isEqualTo(500);
        assertThat(early.reason()).isEqualTo("QEMU guest agent is not running");
        await().atMost(Duration.ofSeconds(5)).until(() -> http.get(interfaces).status() == 200);
        JsonNode loopbackOnly = http.get(interfaces).data().path("result");
        assertThat(loopbackOnly.findValuesAsString("name")).containsExactly("lo");
        assertThat(loopbackOnly.findValuesAsString("ip-address")).containsExactly("127.0.0.1", "::1");
        await().atMost(Duration.ofSeconds(5)).until(() ->
                http.get(interfaces).data().path("result").findValuesAsString("ip-address").contains("10.20.0.7"));
        assertThat(http.get("/nodes/pve-1/qemu/4242/agent/network-get-interfaces").reason()).contains("does not exist");
    }

    @Test
    void power_actions_follow_proxmox_rules() {
        start(ProxmoxSimConfig.defaults());
        finished("pve-1", cloneTo(9002, 100, "pve-4").data().asString());
        finished("pve-4", action("pve-4", 100, "start"));

        assertThat(finished("pve-4", action("pve-4", 100, "start")).exitstatus()).isEqualTo("VM 100 already running");
        assertThat(http.delete("/nodes/pve-4/qemu/100").reason()).isEqualTo("VM 100 is running - destroy failed");
        assertThat(http.get("/nodes/pve-4/status").data().path("memory").path("used").asLong())
                .isEqualTo(4096L * 1024 * 1024);

        finished("pve-4", action("pve-4", 100, "suspend"));
        assertThat(http.get("/nodes/pve-4/qemu/100/status/current").data().path("qmpstatus").asString())
                .isEqualTo("paused");
        finished("pve-4", action("pve-4", 100, "resume"));
        finished("pve-4", http.postForm("/nodes/pve-4/qemu/100/status/suspend", Map.of("todisk", "1")).data().asString());
        JsonNode hibernated = http.get("/nodes/pve-4/qemu/100/status/current").data();
        assertThat(hibernated.path("status").asString()).isEqualTo("stopped");
        assertThat(hibernated.path("lock").asString()).isEqualTo("suspended");
        assertThat(http.get("/nodes/pve-4/qemu/100/config").data().has("vmstate")).isTrue();
        assertThat(http.get("/nodes/pve-4/status").data().path("memory").path("used").asLong()).isZero();

        // stopping a hibernated VM changes nothing: it is not running, so the worker has nothing to do
        assertThat(finished("pve-4", action("pve-4", 100, "stop")).exitstatus()).isEqualTo("OK");
        assertThat(http.get("/nodes/pve-4/qemu/100/status/current").data().path("lock").asString()).isEqualTo("suspended");
        finished("pve-4", action("pve-4", 100, "start"));
        assertThat(http.get("/nodes/pve-4/qemu/100/agent/network-get-interfaces").status())
                .as("the saved RAM holds a booted guest").isEqualTo(200);
        finished("pve-4", action("pve-4", 100, "stop"));
        assertThat(http.postForm("/nodes/pve-4/qemu/100/status/resume", Map.of()).reason()).isEqualTo("VM 100 not running");
        assertThat(finished("pve-4", http.delete("/nodes/pve-4/qemu/100").data().asString()).exitstatus()).isEqualTo("OK");
        assertThat(sim.vms()).noneMatch(vm -> vm.vmid() == 100);
    }

    @Test
    void a_hibernated_vm_can_be_destroyed_without_resuming_it() {
        start(ProxmoxSimConfig.defaults());
        finished("pve-1", clone("pve-1", 9001, 100).data().asString());
        finished("pve-1", action("pve-1", 100, "start"));
        finished("pve-1", http.postForm("/nodes/pve-1/qemu/100/status/suspend", Map.of("todisk", "1")).data().asString());

        assertThat(finished("pve-1", http.delete("/nodes/pve-1/qemu/100").data().asString()).exitstatus()).isEqualTo("OK");
        assertThat(sim.vms()).noneMatch(vm -> vm.vmid() == 100);
    }

    @Test
    void lock_timeouts_and_failures_show_in_the_tasks_exit_status_not_as_http_errors() {
        start(ProxmoxSimConfig.defaults().withLockWait(Duration.ofMillis(100)));
        sim.setFaults(Faults.NONE.withLockTimeout(1.0));
        Response clone = clone("pve-1", 9000, 100);
        assertThat(clone.status()).isEqualTo(200);
        assertThat(finished("pve-1", clone.data().asString()).exitstatus())
                .isEqualTo("can't lock file '/var/lock/qemu-server/lock-9000.conf' - got timeout");
        assertThat(sim.vms()).as("a clone that never got its lock leaves nothing").noneMatch(vm -> vm.vmid() == 100);

        sim.setFaults(Faults.NONE.withTaskFailure(1.0));
        String failed = clone("pve-1", 9000, 100).data().asString();
        assertThat(finished("pve-1", failed).exitstatus()).startsWith("clone failed:");
        assertThat(sim.vms()).noneMatch(vm -> vm.vmid() == 100);

        sim.setFaults(Faults.NONE.withTaskWarnings(1.0));
        assertThat(finished("pve-1", clone("pve-1", 9000, 100).data().asString()).exitstatus()).isEqualTo("WARNINGS: 1");
    }

    @Test
    void a_failed_suspend_to_disk_leaves_the_vm_running_with_its_lock() {
        start(ProxmoxSimConfig.defaults());
        finished("pve-1", clone("pve-1", 9001, 100).data().asString());
        finished("pve-1", action("pve-1", 100, "start"));
        sim.setFaults(Faults.NONE.withTaskFailure(1.0));

        String suspend = http.postForm("/nodes/pve-1/qemu/100/status/suspend", Map.of("todisk", "1")).data().asString();

        assertThat(finished("pve-1", suspend).exitstatus()).contains("savevm-start' failed");
        sim.setFaults(Faults.NONE);
        JsonNode vm = http.get("/nodes/pve-1/qemu/100/status/current").data();
        assertThat(vm.path("status").asString()).isEqualTo("running");
        assertThat(vm.path("lock").asString()).isEqualTo("suspending");
        assertThat(finished("pve-1", action("pve-1", 100, "stop")).exitstatus()).isEqualTo("VM is locked (suspending)");
    }

    /**
     * pvestatd: which VMs exist, where, and their lock are read from the cluster file system on every call;
     * name, status and the template flag come from the nodes' statistics, sent every 10 s.
     */
    @Test
    void the_cluster_listing_shows_names_and_statuses_as_the_last_statistics_pass_saw_them() {
        start(ProxmoxSimConfig.defaults().withStatsInterval(Duration.ofSeconds(3)));
        finished("pve-1", clone("pve-1", 9000, 100).data().asString());

        JsonNode fresh = resource(100);
        assertThat(fresh.path("node").asString()).isEqualTo("pve-1");
        assertThat(fresh.path("status").asString()).isEqualTo("unknown");
        assertThat(fresh.has("name")).isFalse();
        assertThat(http.get("/nodes/pve-1/qemu/100/status/current").data().path("name").asString()).isEqualTo("lab-100");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(resource(100).path("name").asString()).isEqualTo("lab-100"));
        assertThat(resource(100).path("status").asString()).isEqualTo("stopped");

        finished("pve-1", action("pve-1", 100, "start"));
        assertThat(http.putForm("/nodes/pve-1/qemu/100/config", Map.of("name", "renamed-100")).status()).isEqualTo(200);

        JsonNode stale = resource(100);
        assertThat(stale.path("status").asString()).isEqualTo("stopped");
        assertThat(stale.path("name").asString()).isEqualTo("lab-100");
        JsonNode now = http.get("/nodes/pve-1/qemu/100/status/current").data();
        assertThat(now.path("status").asString()).isEqualTo("running");
        assertThat(now.path("name").asString()).isEqualTo("renamed-100");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode listed = resource(100);
            assertThat(listed.path("status").asString()).isEqualTo("running");
            assertThat(listed.path("name").asString()).isEqualTo("renamed-100");
        });
    }

    @Test
    void a_migration_moves_the_vm_to_its_target_when_its_task_ends() {
        start(ProxmoxSimConfig.defaults());
        finished("pve-1", clone("pve-1", 9000, 100).data().asString());
        finished("pve-1", action("pve-1", 100, "start"));

        Response offline = http.postForm("/nodes/pve-1/qemu/100/migrate", Map.of("target", "pve-2"));
        assertThat(offline.status()).isEqualTo(500);
        assertThat(offline.reason()).isEqualTo("can't migrate running VM without --online");
        Response toItself = http.postForm("/nodes/pve-1/qemu/100/migrate", Map.of("target", "pve-1", "online", "1"));
        assertThat(toItself.status()).isEqualTo(400);
        assertThat(toItself.body().path("errors").path("target").asString()).isEqualTo("target is local node.");
        String upid = http.postForm("/nodes/pve-1/qemu/100/migrate", Map.of("target", "pve-2", "online", "1"))
                .data().asString();

        assertThat(upid).startsWith("UPID:pve-1:").contains(":qmigrate:100:");
        assertThat(finished("pve-1", upid).exitstatus()).isEqualTo("OK");
        assertThat(resource(100).path("node").asString()).isEqualTo("pve-2");
        assertThat(http.get("/nodes/pve-1/qemu/100/status/current").reason())
                .isEqualTo("Configuration file 'nodes/pve-1/qemu-server/100.conf' does not exist");
        assertThat(http.get("/nodes/pve-2/qemu/100/status/current").data().path("status").asString()).isEqualTo("running");

        finished("pve-2", http.postForm("/nodes/pve-2/qemu/100/status/suspend", Map.of("todisk", "1")).data().asString());
        Response locked = http.postForm("/nodes/pve-2/qemu/100/migrate", Map.of("target", "pve-3"));
        assertThat(locked.status()).as("the lock is checked before the worker is forked").isEqualTo(500);
        assertThat(locked.reason()).isEqualTo("VM is locked (suspended)");
    }

    @Test
    void a_config_change_renames_a_vm_and_is_refused_while_it_is_locked() {
        start(ProxmoxSimConfig.defaults().withLatencies(Latencies.NONE.withLinkedClone(Duration.ofMillis(300))));
        String clone = clone("pve-1", 9000, 100).data().asString();

        Response locked = http.putForm("/nodes/pve-1/qemu/100/config", Map.of("name", "kept-100"));
        assertThat(locked.status()).as("the API process locks the config itself: no task").isEqualTo(500);
        assertThat(locked.reason()).isEqualTo("can't lock file '/var/lock/qemu-server/lock-100.conf' - got timeout");
        finished("pve-1", clone);

        assertThat(http.putForm("/nodes/pve-1/qemu/100/config", Map.of("name", "kept-100")).status()).isEqualTo(200);
        assertThat(http.get("/nodes/pve-1/qemu/100/status/current").data().path("name").asString()).isEqualTo("kept-100");
        Response invalid = http.putForm("/nodes/pve-1/qemu/100/config", Map.of("name", "not a name"));
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.body().path("errors").has("name")).isTrue();
    }

    @Test
    void deleting_the_saved_state_of_a_hibernated_vm_leaves_it_plainly_stopped() {
        start(ProxmoxSimConfig.defaults());
        finished("pve-1", clone("pve-1", 9001, 100).data().asString());
        finished("pve-1", action("pve-1", 100, "start"));
        finished("pve-1", http.postForm("/nodes/pve-1/qemu/100/status/suspend", Map.of("todisk", "1")).data().asString());

        assertThat(http.putForm("/nodes/pve-1/qemu/100/config", Map.of("delete", "vmstate")).status()).isEqualTo(200);

        JsonNode config = http.get("/nodes/pve-1/qemu/100/config").data();
        assertThat(config.has("lock")).isFalse();
        assertThat(config.has("vmstate")).isFalse();
    }

    @Test
    void cluster_resources_list_every_vm_with_its_node_and_unknown_status_on_an_unreachable_node() {
        start(ProxmoxSimConfig.defaults());
        finished("pve-1", cloneTo(9000, 100, "pve-3").data().asString());
        sim.setNodeUnreachable("pve-3", true);

        JsonNode entry = resource(100);

        assertThat(entry.path("node").asString()).isEqualTo("pve-3");
        assertThat(entry.path("status").asString()).isEqualTo("unknown");
        assertThat(entry.path("type").asString()).isEqualTo("qemu");
        assertThat(http.get("/nodes/pve-3/qemu").status()).isEqualTo(595);
    }

    @Test
    void a_state_file_keeps_the_cluster_across_restarts_and_tasks_running_at_the_stop_finish() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("pve-sim");
        java.nio.file.Path file = dir.resolve("cluster.json");
        ProxmoxSimConfig config = ProxmoxSimConfig.defaults().withStateFile(file)
                .withLatencies(Latencies.NONE.withLinkedClone(Duration.ofMinutes(5)));
        start(config);
        finished("pve-1", action("pve-1", tinyRunningVm(), "suspend"));
        String slowClone = clone("pve-1", 9000, 101).data().asString();
        sim.close();

        start(config.withLatencies(Latencies.NONE));

        assertThat(task("pve-1", slowClone).exitstatus()).isEqualTo("OK");
        assertThat(sim.vms()).anyMatch(vm -> vm.vmid() == 100 && "paused".equals(vm.qmpstatus()));
        assertThat(sim.vms()).anyMatch(vm -> vm.vmid() == 101 && "lab-101".equals(vm.name()) && vm.lock() == null);
        assertThat(http.get("/cluster/nextid").data().asString()).isEqualTo("102");
    }

    private int tinyRunningVm() {
        sim.setLatencies(Latencies.NONE);
        finished("pve-1", clone("pve-1", 9001, 100).data().asString());
        finished("pve-1", action("pve-1", 100, "start"));
        sim.setLatencies(Latencies.NONE.withLinkedClone(Duration.ofMinutes(5)));
        return 100;
    }

    @Test
    void a_vm_removed_outside_vigil_is_gone_from_every_view() {
        start(ProxmoxSimConfig.defaults());
        finished("pve-1", clone("pve-1", 9000, 100).data().asString());
        RawHttp control = new RawHttp(sim.baseUrl().replace("/api2/json", ""));

        assertThat(control.delete("/sim/vms/100").status()).isEqualTo(200);

        assertThat(resource(100)).isNull();
        assertThat(http.get("/nodes/pve-1/qemu/100/status/current").status()).isEqualTo(500);
        assertThat(control.delete("/sim/vms/9000").status()).as("templates stay").isEqualTo(404);
    }

    @Test
    void faults_at_rate_one_hit_every_api_call_but_never_the_control_endpoints() {
        start(ProxmoxSimConfig.defaults());
        sim.setFaults(Faults.NONE.withHttp5xx(1.0));
        assertThat(http.get("/nodes").status()).isEqualTo(500);
        assertThat(new RawHttp(sim.baseUrl().replace("/api2/json", "")).get("/sim/config").status()).isEqualTo(200);

        sim.setFaults(Faults.NONE.withUnreachable595(1.0));
        Response unreachable = http.get("/nodes");
        assertThat(unreachable.status()).isEqualTo(595);
        assertThat(unreachable.reason()).isEqualTo("Connection refused");
    }

    @Test
    void faults_latencies_and_unreachable_nodes_can_be_set_over_http() {
        start(ProxmoxSimConfig.defaults());
        RawHttp control = new RawHttp(sim.baseUrl().replace("/api2/json", ""));

        Response put = control.sendJson(HttpMethod.PUT, "/sim/config",
                "{\"faults\":{\"lockTimeout\":1.0,\"taskWarnings\":0.5},\"latencies\":{\"bootMs\":1500,\"lockWaitMs\":300},"
                        + "\"unreachableNodes\":[\"pve-3\"]}");

        assertThat(put.status()).isEqualTo(200);
        assertThat(sim.config().faults().lockTimeout()).isEqualTo(1.0);
        assertThat(sim.config().faults().taskWarnings()).isEqualTo(0.5);
        assertThat(sim.config().latencies().boot()).isEqualTo(Duration.ofMillis(1500));
        assertThat(sim.config().lockWait()).isEqualTo(Duration.ofMillis(300));
        assertThat(http.get("/nodes/pve-3/qemu").status()).isEqualTo(595);
        assertThat(http.get("/nodes").data().get(2).path("status").asString()).isEqualTo("offline");
    }

    @Test
    void a_configured_api_token_is_required() {
        start(ProxmoxSimConfig.defaults().withApiToken("root@pam!vigil=s3cret"));

        assertThat(http.get("/nodes").status()).isEqualTo(401);
        RawHttp wrong = new RawHttp(sim.baseUrl(), Map.of("Authorization", "PVEAPIToken=root@pam!vigil=nope"));
        assertThat(wrong.get("/nodes").status()).isEqualTo(401);
        RawHttp right = new RawHttp(sim.baseUrl(), Map.of("Authorization", "PVEAPIToken=root@pam!vigil=s3cret"));
        assertThat(right.get("/nodes").data().size()).isEqualTo(7);
        String upid = right.postForm("/nodes/pve-1/qemu/9000/clone", Map.of("newid", "100")).data().asString();
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

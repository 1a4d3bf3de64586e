package io.vigil.command.proxmox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.function.client.WebClient;

import io.vigil.simulators.proxmox.ProxmoxSimConfig;
import io.vigil.simulators.proxmox.ProxmoxSimConfig.Latencies;
import io.vigil.simulators.proxmox.ProxmoxSimulator;

/** The client against the Proxmox simulator over real HTTP: the happy paths. Templates live on pve-1. */
class ProxmoxClientLifecycleTest {

    private static final Duration CALL = Duration.ofSeconds(10);
    private static final long GIB = 1024L * 1024 * 1024;

    private ProxmoxSimulator sim;
    private ProxmoxClient client;

    private void start(Latencies latencies) {
        start(ProxmoxSimConfig.defaults().withLatencies(latencies));
    }

    private void start(ProxmoxSimConfig config) {
        sim = ProxmoxSimulator.start(config.withApiToken("root@pam!vigil=s3cret"));
        client = new ProxmoxClient(new ProxmoxProperties(sim.baseUrl(), "root@pam!vigil", "s3cret",
                Duration.ofSeconds(5), false), WebClient.builder());
    }

    @AfterEach
    void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    private TaskStatus awaitTask(String upid) {
        return await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> client.taskStatus(upid).block(CALL), TaskStatus::finished);
    }

    @Test
    void a_vm_goes_through_clone_to_another_node_start_boot_stop_and_delete() {
        start(ProxmoxSimConfig.defaults().withGuestAddress("10.20.0.9").withLatencies(Latencies.NONE
                .withLinkedClone(Duration.ofMillis(100)).withStart(Duration.ofMillis(100)).withBoot(Duration.ofMillis(300))
                .withStop(Duration.ofMillis(50)).withDelete(Duration.ofMillis(50))));

        int vmid = client.nextId().block(CALL);
        String cloneTask = client.clone("pve-1", 9001, vmid, "vigil-lab-1", "session 1", "pve-3").block(CALL);
        assertThat(Upid.node(cloneTask)).isEqualTo("pve-1");
        assertThat(client.taskStatus(cloneTask).block(CALL).finished()).isFalse();
        assertThat(client.clusterVms().block(CALL)).filteredOn(vm -> vm.vmid() == vmid).singleElement()
                .satisfies(vm -> {
                    assertThat(vm.node()).isEqualTo("pve-1");
                    assertThat(vm.cloning()).isTrue();
                    assertThat(vm.name()).as("a clone in progress has no name yet").isNull();
                });
        assertThat(awaitTask(cloneTask).succeeded()).isTrue();
        assertThat(client.vmStatus("pve-3", vmid).block(CALL).running()).isFalse();

        assertThat(awaitTask(client.start("pve-3", vmid).block(CALL)).succeeded()).isTrue();
        VmStatus running = client.vmStatus("pve-3", vmid).block(CALL);
        assertThat(running.running()).isTrue();
        assertThat(running.maxmem()).isEqualTo(4 * GIB);
        Optional<String> address = await().atMost(Duration.ofSeconds(10))
                .until(() -> client.guestAddress("pve-3", vmid, false).block(CALL), Optional::isPresent);
        assertThat(address).contains("10.20.0.9");

        assertThat(awaitTask(client.stop("pve-3", vmid).block(CALL)).succeeded()).isTrue();
        assertThat(awaitTask(client.delete("pve-3", vmid).block(CALL)).succeeded()).isTrue();
        assertThat(client.listVms("pve-3").block(CALL)).noneMatch(vm -> vm.vmid() == vmid);
        assertThat(sim.vms()).noneMatch(vm -> vm.vmid() == vmid);
    }

    @Test
    void the_guest_address_is_empty_until_the_guest_has_booted_and_never_a_loopback_one() {
        start(Latencies.NONE.withBoot(Duration.ofMinutes(5)));
        awaitTask(client.clone("pve-1", 9000, 100, "vigil-boot", null, null).block(CALL));

        assertThat(client.guestAddress("pve-1", 100, false).block(CALL)).isEmpty();
        awaitTask(client.start("pve-1", 100).block(CALL));
        assertThat(client.vmStatus("pve-1", 100).block(CALL).running()).isTrue();
        assertThat(client.guestAddress("pve-1", 100, true).block(CALL)).isEmpty();
        sim.setLatencies(Latencies.NONE);
        awaitTask(client.clone("pve-1", 9000, 101, "vigil-booted", null, null).block(CALL));
        awaitTask(client.start("pve-1", 101).block(CALL));
        assertThat(client.guestAddress("pve-1", 101, false).block(CALL))
                .as("the simulator's guests are on loopback: not an address on a real cluster").isEmpty();
        assertThat(client.guestAddress("pve-1", 101, true).block(CALL)).contains("127.0.0.1");
    }

    @Test
    void a_template_is_found_with_its_node_disk_storages_and_whether_they_are_shared() {
        start(ProxmoxSimConfig.defaults().withTemplate(
                new ProxmoxSimConfig.TemplateSpec(9005, "local-template", 2048, "pve-4", "local-lvm")));

        List<ClusterVm> vms = client.clusterVms().block(CALL);

        assertThat(vms).contains(new ClusterVm(9001, "pve-1", "ubuntu-2204-template", "stopped", true, null),
                new ClusterVm(9005, "pve-4", "local-template", "stopped", true, null));
        assertThat(client.diskStorages("pve-1", 9001).block(CALL)).containsExactly("ceph-vm");
        assertThat(client.diskStorages("pve-4", 9005).block(CALL)).containsExactly("local-lvm");
        assertThat(client.sharedStorages().block(CALL))
                .containsEntry("ceph-vm", true).containsEntry("local-lvm", false).containsEntry("local", false);
    }

    @Test
    void a_vm_is_renamed_and_a_hibernated_vms_saved_state_discarded() {
        start(Latencies.NONE);
        awaitTask(client.clone("pve-1", 9000, 100, "vigil-a", null, null).block(CALL));
        awaitTask(client.start("pve-1", 100).block(CALL));
        awaitTask(client.suspendToDisk("pve-1", 100).block(CALL));

        client.discardSavedState("pve-1", 100).block(CALL);
        client.rename("pve-1", 100, "vigil-keep-alice-1").block(CALL);

        assertThat(client.clusterVms().block(CALL)).filteredOn(vm -> vm.vmid() == 100).singleElement()
                .satisfies(vm -> assertThat(vm.lock()).isNull());
        // the node says at once what the cluster listing shows after its next statistics pass
        VmStatus now = client.vmStatus("pve-1", 100).block(CALL);
        assertThat(now.name()).isEqualTo("vigil-keep-alice-1");
        assertThat(now.hibernated()).isFalse();
        assertThat(now.running()).isFalse();
    }

    @Test
    void listing_shows_templates_and_clones_with_their_names() {
        start(Latencies.NONE);
        awaitTask(client.clone("pve-1", 9002, 150, "vigil-kali", null, null).block(CALL));

        assertThat(client.listVms("pve-1").block(CALL))
                .contains(new VmSummary(9002, "kali-template", "stopped", true, null),
                        new VmSummary(150, "vigil-kali", "stopped", false, null));
    }

    @Test
    void nodes_and_node_status_count_the_memory_of_running_vms() {
        start(Latencies.NONE);
        awaitTask(client.clone("pve-1", 9000, 100, "vigil-a", null, "pve-2").block(CALL));
        awaitTask(client.start("pve-2", 100).block(CALL));

        NodeInfo pve2 = client.nodes().block(CALL).stream()
                .filter(n -> n.node().equals("pve-2")).findFirst().orElseThrow();
        NodeDetails details = client.nodeStatus("pve-2").block(CALL);

        assertThat(client.nodes().block(CALL)).hasSize(7).allMatch(NodeInfo::online);
        assertThat(pve2.maxcpu()).isEqualTo(32);
        assertThat(pve2.mem()).isEqualTo(4 * GIB);
        assertThat(pve2.maxmem()).isEqualTo(128 * GIB);
        assertThat(pve2.cpu()).isGreaterThan(0);
        assertThat(pve2.uptime()).isPositive();
        assertThat(details.memoryUsed()).isEqualTo(4 * GIB);
        assertThat(details.memoryFree()).isEqualTo(124 * GIB);
        assertThat(details.cpus()).isEqualTo(32);
    }

    @Test
    void suspend_to_disk_hibernates_and_resume_brings_the_guest_back() {
        start(Latencies.NONE);
        awaitTask(client.clone("pve-1", 9000, 100, "vigil-hibernate", null, "pve-5").block(CALL));
        awaitTask(client.start("pve-5", 100).block(CALL));

        assertThat(awaitTask(client.suspendToDisk("pve-5", 100).block(CALL)).succeeded()).isTrue();
        VmStatus hibernated = client.vmStatus("pve-5", 100).block(CALL);
        assertThat(hibernated.hibernated()).isTrue();
        assertThat(hibernated.running()).isFalse();

        assertThat(awaitTask(client.resume("pve-5", 100).block(CALL)).succeeded()).isTrue();
        assertThat(client.vmStatus("pve-5", 100).block(CALL).lock()).isNull();
        assertThat(client.guestAddress("pve-5", 100, true).block(CALL)).contains("127.0.0.1");
        assertThat(awaitTask(client.shutdown("pve-5", 100).block(CALL)).succeeded()).isTrue();
    }

    @Test
    void properties_never_print_the_token_secret() {
        ProxmoxProperties properties = new ProxmoxProperties(null, "root@pam!vigil",
                "0b7e5f0e-secret", null, false);

        assertThat(properties.toString()).doesNotContain("0b7e5f0e-secret").contains("****");
        assertThat(properties.baseUrl()).isEqualTo("http://127.0.0.1:8006/api2/json");
        assertThat(properties.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
    }
}

package io.vigil.command.proxmox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.vigil.command.proxmox.ProxmoxException.Kind;
import io.vigil.simulators.proxmox.ProxmoxSimConfig;
import io.vigil.simulators.proxmox.ProxmoxSimConfig.Faults;
import io.vigil.simulators.proxmox.ProxmoxSimulator;

/** Every failure the simulator can produce, read back through the client as the right kind. */
class ProxmoxClientErrorsTest {

    private static final Duration CALL = Duration.ofSeconds(10);

    private ProxmoxSimulator sim;
    private ProxmoxClient client;

    @BeforeEach
    void start() {
        sim = ProxmoxSimulator.start(ProxmoxSimConfig.defaults().withApiToken("root@pam!vigil=s3cret"));
        client = clientWith("s3cret");
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private ProxmoxClient clientWith(String secret) {
        return new ProxmoxClient(new ProxmoxProperties(sim.baseUrl(), "root@pam!vigil", secret,
                Duration.ofSeconds(5), false), WebClient.builder());
    }

    private static ProxmoxException failure(Mono<?> call) {
        return catchThrowableOfType(ProxmoxException.class, () -> call.block(CALL));
    }

    @Test
    void a_lock_timeout_in_the_worker_shows_only_in_the_tasks_exit_status() {
        sim.setLockWait(Duration.ofMillis(100));
        sim.setFaults(Faults.NONE.withLockTimeout(1.0));

        String upid = client.clone("pve-1", 9000, 100, "vigil-a", null, null).block(CALL);
        TaskStatus status = org.awaitility.Awaitility.await().until(() -> client.taskStatus(upid).block(CALL),
                TaskStatus::finished);

        assertThat(status.succeeded()).isFalse();
        assertThat(status.exitStatus()).isEqualTo("can't lock file '/var/lock/qemu-server/lock-9000.conf' - got timeout");
    }

    @Test
    void a_config_change_on_a_locked_vm_is_refused_at_once_as_locked() {
        sim.setFaults(Faults.NONE.withLockTimeout(1.0));

        ProxmoxException e = failure(client.rename("pve-1", 9000, "renamed"));

        assertThat(e.kind()).isEqualTo(Kind.LOCKED);
        assertThat(e.transientFailure()).isTrue();
        assertThat(e.httpStatus()).isEqualTo(500);
        assertThat(e.getMessage()).contains("PUT /nodes/pve-1/qemu/9000/config");
    }

    @Test
    void a_failed_task_is_finished_but_not_succeeded() {
        sim.setFaults(Faults.NONE.withTaskFailure(1.0));

        String upid = client.clone("pve-1", 9000, 100, "vigil-a", null, null).block(CALL);
        TaskStatus status = client.taskStatus(upid).block(CALL);

        assertThat(status.finished()).isTrue();
        assertThat(status.succeeded()).isFalse();
        assertThat(status.exitStatus()).startsWith("clone failed:");
    }

    @Test
    void a_generic_server_error_is_transient() {
        sim.setFaults(Faults.NONE.withHttp5xx(1.0));

        ProxmoxException e = failure(client.nodes());

        assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(e.transientFailure()).isTrue();
    }

    @Test
    void an_unreachable_node_answering_595_is_transient() {
        sim.setFaults(Faults.NONE.withUnreachable595(1.0));
        ProxmoxException viaFault = failure(client.vmStatus("pve-1", 9000));
        sim.setFaults(Faults.NONE);
        sim.setNodeUnreachable("pve-6", true);
        ProxmoxException viaNode = failure(client.listVms("pve-6"));

        assertThat(viaFault.kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(viaFault.httpStatus()).isEqualTo(595);
        assertThat(viaNode.kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(viaNode.reason()).isEqualTo("Connection refused");
        assertThat(client.nodes().block(CALL)).filteredOn(n -> n.node().equals("pve-6"))
                .singleElement().satisfies(n -> assertThat(n.online()).isFalse());
    }

    @Test
    void cloning_into_a_vmid_taken_meanwhile_is_reported_as_vmid_taken() {
        int first = client.nextId().block(CALL);
        int second = client.nextId().block(CALL);
        assertThat(second).isEqualTo(first);
        client.clone("pve-1", 9000, first, "vigil-first", null, null).block(CALL);

        ProxmoxException e = failure(client.clone("pve-1", 9001, second, "vigil-second", null, "pve-2"));

        assertThat(e.kind()).isEqualTo(Kind.VMID_TAKEN);
        assertThat(e.transientFailure()).isFalse();
        assertThat(client.nextId().block(CALL)).isEqualTo(first + 1);
    }

    /**
     * Proxmox checks only the local node's config before it forks the worker: a clone that already finished and
     * moved to its target is not seen there, and the later clone's task fails at the end (pmxcfs refuses the
     * config). So the loser learns either at once (VMID_TAKEN) or from its task; exactly one task succeeds.
     */
    @Test
    void concurrent_clones_into_one_vmid_let_exactly_one_win() {
        List<String> answers = Flux.range(0, 16)
                .flatMap(i -> client.clone("pve-1", 9000, 300, "vigil-race-" + i, null, "pve-" + (1 + i % 7))
                        .onErrorResume(ProxmoxException.class, e -> Mono.just(e.kind().name())), 16)
                .collectList().block(CALL);
        List<String> outcomes = answers.stream().map(answer -> {
            if (!answer.startsWith("UPID:")) {
                return answer;
            }
            TaskStatus status = org.awaitility.Awaitility.await()
                    .until(() -> client.taskStatus(answer).block(CALL), TaskStatus::finished);
            return status.succeeded() ? "won" : "task failed: " + status.exitStatus();
        }).toList();

        assertThat(outcomes).containsOnlyOnce("won");
        assertThat(outcomes).filteredOn(o -> !o.equals("won")).hasSize(15)
                .allMatch(o -> o.equals(Kind.VMID_TAKEN.name()) || o.endsWith("failed: File exists"), "lost to the id");
        assertThat(client.clusterVms().block(CALL)).filteredOn(vm -> vm.vmid() == 300).hasSize(1);
    }

    @Test
    void reason_phrases_survive_connection_reuse() {
        for (int i = 0; i < 5; i++) {
            assertThat(failure(client.vmStatus("pve-1", 4000 + i)).reason())
                    .isEqualTo("Configuration file 'nodes/pve-1/qemu-server/" + (4000 + i)
                            + ".conf' does not exist");
            assertThat(client.nodes().block(CALL)).hasSize(7);
        }
    }

    @Test
    void an_unknown_vm_is_reported_as_not_found() {
        assertThat(failure(client.vmStatus("pve-1", 4242)).kind()).isEqualTo(Kind.NOT_FOUND);
        assertThat(failure(client.clone("pve-1", 4242, 100, "x", null, null)).kind())
                .isEqualTo(Kind.NOT_FOUND);
    }

    @Test
    void a_template_cloned_on_a_node_that_does_not_hold_it_is_not_found() {
        ProxmoxException e = failure(client.clone("pve-3", 9000, 100, "vigil-a", null, null));

        assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND);
        assertThat(e.reason()).isEqualTo("unable to find configuration file for VM 9000 on node 'pve-3'");
    }

    @Test
    void a_vm_on_another_node_is_not_found() {
        client.clone("pve-1", 9000, 100, "vigil-a", null, null).block(CALL);

        assertThat(failure(client.vmStatus("pve-2", 100)).kind()).isEqualTo(Kind.NOT_FOUND);
    }

    @Test
    void a_rejected_parameter_is_invalid_and_names_the_parameter() {
        ProxmoxException e = failure(client.clone("pve-1", 9000, 100, "not a dns name!", null, null));

        assertThat(e.kind()).isEqualTo(Kind.INVALID);
        assertThat(e.transientFailure()).isFalse();
        assertThat(e.getMessage()).contains("name: invalid format");
    }

    @Test
    void a_running_vm_cannot_be_deleted() {
        client.clone("pve-1", 9000, 100, "vigil-a", null, null).block(CALL);
        String start = client.start("pve-1", 100).block(CALL);
        org.awaitility.Awaitility.await().until(() -> client.taskStatus(start).block(CALL).finished());

        ProxmoxException e = failure(client.delete("pve-1", 100));

        assertThat(e.reason()).isEqualTo("VM 100 is running - destroy failed");
        assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
    }

    @Test
    void starting_a_running_vm_fails_in_its_task() {
        client.clone("pve-1", 9000, 100, "vigil-a", null, null).block(CALL);
        String start = client.start("pve-1", 100).block(CALL);
        org.awaitility.Awaitility.await().until(() -> client.taskStatus(start).block(CALL).finished());

        TaskStatus again = org.awaitility.Awaitility.await().until(
                () -> client.taskStatus(client.start("pve-1", 100).block(CALL)).block(CALL), TaskStatus::finished);

        assertThat(again.succeeded()).isFalse();
        assertThat(again.exitStatus()).isEqualTo("VM 100 already running");
    }

    @Test
    void a_wrong_token_is_unauthorized_and_the_secret_stays_out_of_the_message() {
        ProxmoxException e = failure(clientWith("wrong-secret").nodes());

        assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED);
        assertThat(e.httpStatus()).isEqualTo(401);
        assertThat(e.transientFailure()).isFalse();
        assertThat(e.getMessage()).doesNotContain("wrong-secret").doesNotContain("PVEAPIToken");
    }

    @Test
    void a_refused_connection_is_transient() {
        String url = sim.baseUrl();
        sim.close();
        ProxmoxClient offline = new ProxmoxClient(new ProxmoxProperties(url, "root@pam!vigil",
                "s3cret", Duration.ofSeconds(2), false), WebClient.builder());

        ProxmoxException e = failure(offline.nodes());

        assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(e.httpStatus()).isZero();
    }
}

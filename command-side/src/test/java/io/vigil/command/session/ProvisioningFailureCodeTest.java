package io.vigil.command.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.command.guacamole.GuacamoleException;
import io.vigil.command.proxmox.ProxmoxException;
import io.vigil.command.proxmox.ProxmoxException.Kind;
import io.vigil.command.session.ProvisioningSaga.Step;
import io.vigil.core.session.FailureCode;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What an engineer is told when provisioning fails: each failure at each step maps to one code, and the code's
 * sentence (all an engineer sees) carries nothing of the diagnostic: no VMID, task id, node, path or Proxmox text.
 */
class ProvisioningFailureCodeTest {

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of(Step.RESERVE, transientProxmox(500, "Internal Server Error"), FailureCode.CLONE_FAILED),
                Arguments.of(Step.CLONE, new ProxmoxException(Kind.NOT_FOUND, 500, "Configuration file"
                        + " 'nodes/pve-1/qemu-server/9001.conf' does not exist", "POST /nodes/pve-1/qemu/9001/clone:"
                        + " 500 Configuration file 'nodes/pve-1/qemu-server/9001.conf' does not exist", null),
                        FailureCode.CLONE_FAILED),
                Arguments.of(Step.AWAIT_CLONE, new StepFailure.TaskFailed("Proxmox clone task failed: can't lock file"
                        + " '/var/lock/qemu-server/lock-10042.conf' - got timeout"), FailureCode.CLONE_FAILED),
                Arguments.of(Step.AWAIT_CLONE, new StepFailure.TaskFailed("Proxmox clone task failed: cannot allocate"
                        + " memory for the disk of VM 10042"), FailureCode.CLONE_FAILED),
                Arguments.of(Step.CLONE, transientProxmox(595, "Connection timed out (pve-1)"),
                        FailureCode.CLUSTER_UNAVAILABLE),
                Arguments.of(Step.START, transientProxmox(0, "Connection refused: proxmox.lab:8006"),
                        FailureCode.CLUSTER_UNAVAILABLE),
                Arguments.of(Step.RENAME, new ProxmoxException(Kind.LOCKED, 500, "VM is locked (backup)",
                        "PUT /nodes/pve-2/qemu/10042/config: 500 VM is locked (backup)", null), FailureCode.START_FAILED),
                Arguments.of(Step.RENAME, new StepFailure.Gone("Kept VM vigil-keep-alice-1 (VMID 10042) is gone"),
                        FailureCode.VM_LOST),
                Arguments.of(Step.START, transientProxmox(500, "Internal Server Error"), FailureCode.START_FAILED),
                Arguments.of(Step.AWAIT_START, new StepFailure.TaskFailed("Proxmox start task failed: start failed:"
                        + " QEMU exited with code 1"), FailureCode.START_FAILED),
                Arguments.of(Step.AWAIT_START, new StepFailure.TaskFailed("Proxmox start task failed: kvm: cannot"
                        + " allocate Memory for VM 10042 on pve-2"), FailureCode.NO_CAPACITY),
                Arguments.of(Step.AWAIT_BOOT, new StepFailure.TimedOut("waited 120 s for the guest of VM 10042 to"
                        + " answer on its ssh port"), FailureCode.GUEST_NOT_ANSWERING),
                Arguments.of(Step.AWAIT_BOOT, new StepFailure.Gone("VM 10042 disappeared from pve-2"), FailureCode.VM_LOST),
                Arguments.of(Step.AWAIT_BOOT, transientProxmox(599, "Too many redirections"),
                        FailureCode.CLUSTER_UNAVAILABLE),
                Arguments.of(Step.CONNECT, new GuacamoleException("POST connections: 500 Unexpected internal error.",
                        500, "INTERNAL_ERROR", true, null), FailureCode.CONNECTION_FAILED),
                Arguments.of(Step.CONNECT, new GuacamoleException("POST connections: Connection refused", 0, null,
                        true, null), FailureCode.CONNECTION_FAILED),
                Arguments.of(Step.DONE, new IllegalStateException("UPID:pve-2:0001:task"), FailureCode.INTERNAL));
    }

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @MethodSource("failures")
    void each_failure_at_each_step_maps_to_one_code_and_its_sentence_tells_nothing_of_the_diagnostic(
            Step step, RuntimeException failure, FailureCode expected) {
        FailureCode code = ProvisioningSaga.failureCode(step, failure);

        assertThat(code).isEqualTo(expected);
        assertThat(code.message()).doesNotContain(StepFailure.reason(failure));
        assertSafe(code);
    }

    @ParameterizedTest
    @EnumSource(FailureCode.class)
    void no_sentence_an_engineer_may_see_names_a_vmid_a_task_a_node_a_path_or_proxmox(FailureCode code) {
        assertSafe(code);
    }

    @Test
    void the_codes_on_the_wire_are_the_documented_ones() {
        assertThat(Stream.of(FailureCode.CLONE_FAILED, FailureCode.NO_CAPACITY, FailureCode.GUEST_NOT_ANSWERING,
                FailureCode.START_FAILED, FailureCode.CONNECTION_FAILED).map(FailureCode::wire))
                .containsExactly("clone_failed", "no_capacity", "guest_not_answering", "start_failed", "connection_failed");
    }

    private static void assertSafe(FailureCode code) {
        String sentence = code.message();
        assertThat(sentence).isNotBlank().doesNotContainPattern("\\d").doesNotContain("/", ":", "'", "vigil-");
        assertThat(sentence.toLowerCase(Locale.ROOT)).doesNotContain("upid", "pve", "proxmox", "qemu", "qm ",
                "vmid", "task", "lock", "guacamole", "exit");
    }

    private static ProxmoxException transientProxmox(int status, String reason) {
        return new ProxmoxException(Kind.TRANSIENT, status, reason, "GET /nodes/pve-2/qemu/10042/status/current: "
                + status + " " + reason, null);
    }
}

package io.vigil.command.proxmox;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.simulators.proxmox.ProxmoxSimConfig;
import io.vigil.simulators.proxmox.ProxmoxSimConfig.Faults;
import io.vigil.simulators.proxmox.ProxmoxSimulator;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * How a finished Proxmox task counts: {@code OK} and {@code WARNINGS: n} (the task did its work and logged
 * warnings, e.g. about a storage) are success; any other exit status is Proxmox's error text, a failure.
 */
class TaskStatusTest {

    @ParameterizedTest
    @ValueSource(strings = {"OK", "WARNINGS: 1", "WARNINGS: 12"})
    void ok_and_warnings_are_success(String exitStatus) {
        TaskStatus status = new TaskStatus("stopped", exitStatus);

        assertThat(status.finished()).isTrue();
        assertThat(status.succeeded()).isTrue();
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"clone failed: disk 'local-lvm:vm-10042-disk-0' already exists",
            "can't lock file '/var/lock/qemu-server/lock-10042.conf' - got timeout", "VM 10042 already running",
            "unexpected status", "ok", "", "job errors", "command 'qm start 10042' failed: exit code 1: OK"})
    void any_other_exit_status_is_a_failure(String exitStatus) {
        TaskStatus status = new TaskStatus("stopped", exitStatus);

        assertThat(status.finished()).isTrue();
        assertThat(status.succeeded()).isFalse();
    }

    @Test
    void a_running_task_has_not_succeeded_yet() {
        assertThat(new TaskStatus("running", null).finished()).isFalse();
        assertThat(new TaskStatus("running", null).succeeded()).isFalse();
        assertThat(new TaskStatus("running", "OK").succeeded()).as("only a stopped task has ended").isFalse();
    }

    @Test
    void the_client_reads_a_task_that_ended_with_warnings_as_succeeded() {
        try (ProxmoxSimulator sim = ProxmoxSimulator.start(ProxmoxSimConfig.defaults().withApiToken("root@pam!vigil=s3cret"))) {
            ProxmoxClient client = new ProxmoxClient(new ProxmoxProperties(sim.baseUrl(), "root@pam!vigil", "s3cret",
                    Duration.ofSeconds(5), false), WebClient.builder());
            sim.setFaults(Faults.NONE.withTaskWarnings(1.0));
            TaskStatus warned = finished(client, client.clone("pve-1", 9000, 100, "vigil-a", null, null).block());
            sim.setFaults(Faults.NONE);
            TaskStatus ok = finished(client, client.clone("pve-1", 9000, 101, "vigil-b", null, null).block());

            assertThat(warned.exitStatus()).isEqualTo("WARNINGS: 1");
            assertThat(warned.succeeded()).isTrue();
            assertThat(ok.exitStatus()).isEqualTo("OK");
            assertThat(ok.succeeded()).isTrue();
        }
    }

    private static TaskStatus finished(ProxmoxClient client, String upid) {
        return Awaitility.await().until(() -> client.taskStatus(upid).block(Duration.ofSeconds(5)), TaskStatus::finished);
    }
}

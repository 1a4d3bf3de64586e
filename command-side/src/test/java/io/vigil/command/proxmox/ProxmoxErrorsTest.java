package io.vigil.command.proxmox;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.vigil.command.proxmox.ProxmoxException.Kind;

/** Reasons seen from real Proxmox nodes, beyond what the simulator produces. */
class ProxmoxErrorsTest {

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "400|Parameter verification failed.|INVALID",
            "401|No ticket|UNAUTHORIZED",
            "403|Permission check failed (/vms/100, VM.PowerMgmt)|UNAUTHORIZED",
            "500|can't lock file '/var/lock/qemu-server/lock-203.conf' - got timeout|LOCKED",
            "500|VM is locked (clone)|LOCKED",
            "500|VM 105 qmp command 'query-status' failed - got timeout|LOCKED",
            "500|unable to create VM 150 - VM 150 already exists on node 'pve-1'|VMID_TAKEN",
            "500|Configuration file 'nodes/pve-1/qemu-server/42.conf' does not exist|NOT_FOUND",
            "595|Connection refused|TRANSIENT",
            "596|Connection timed out|TRANSIENT",
            "599|Too many redirections|TRANSIENT",
            "500|Internal Server Error|TRANSIENT",
            "502|Bad Gateway|TRANSIENT",
            "501|Method 'GET /nodes/x/foo' not implemented|INVALID",
            "404|Not Found|INVALID"})
    void classifies_status_and_reason(int status, String reason, Kind kind) {
        assertThat(ProxmoxErrors.classify(status, reason)).isEqualTo(kind);
    }
}

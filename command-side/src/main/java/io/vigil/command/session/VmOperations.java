package io.vigil.command.session;

import io.vigil.command.ProvisioningProperties;
import io.vigil.command.guacamole.GuacamoleClient;
import io.vigil.command.proxmox.ProxmoxClient;
import io.vigil.command.proxmox.ProxmoxException;
import io.vigil.command.proxmox.TaskStatus;
import io.vigil.command.proxmox.VmStatus;
import io.vigil.core.template.Protocol;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The blocking face of Proxmox and Guacamole for the sagas (which run on processor and scheduler threads, never
 * on an event loop). Each call is idempotent or tells the saga enough to make its retry idempotent.
 */
@Component
public class VmOperations {
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(20);
    private final ProxmoxClient proxmox;
    private final GuacamoleClient guacamole;
    private final ProvisioningProperties properties;
    private final JdbcTemplate jdbc;

    public VmOperations(ProxmoxClient proxmox, GuacamoleClient guacamole, ProvisioningProperties properties,
                        JdbcTemplate jdbc) {
        this.jdbc = jdbc;
        this.proxmox = proxmox;
        this.guacamole = guacamole;
        this.properties = properties;
    }

    /**
     * A VMID no other Vigil saga can be given (a PostgreSQL sequence shared by every instance), checked free in
     * Proxmox so VMs made outside Vigil are stepped over. Proxmox's own {@code nextid} hands the same id to
     * concurrent callers; under a burst most clones would then lose their id.
     */
    public int nextVmId() {
        for (int attempt = 0; attempt < 20; attempt++) {
            Integer candidate = jdbc.queryForObject("SELECT nextval('vigil_vmid')", Integer.class);
            if (Boolean.TRUE.equals(proxmox.isFree(candidate).block(CALL_TIMEOUT))) {
                return candidate;
            }
        }
        throw new IllegalStateException("No free VMID in 20 tries from the vigil_vmid sequence");
    }

    /** Clones into {@code vmid}; answers null when a VM of ours already holds that id (a repeated clone). */
    public String cloneOrFindOurs(String node, int templateVmid, int vmid, String vmName, String description) {
        try {
            return proxmox.clone(node, templateVmid, vmid, vmName, description).block(CALL_TIMEOUT);
        } catch (ProxmoxException e) {
            if (e.kind() == ProxmoxException.Kind.VMID_TAKEN && isOurs(node, vmid, vmName)) {
                return null;
            }
            throw e;
        }
    }

    public boolean isOurs(String node, int vmid, String vmName) {
        return proxmox.listVms(node).block(CALL_TIMEOUT).stream()
                .anyMatch(vm -> vm.vmid() == vmid && vmName.equals(vm.name()));
    }

    public String start(String node, int vmid) {
        return proxmox.start(node, vmid).block(CALL_TIMEOUT);
    }

    public String stop(String node, int vmid) {
        return proxmox.stop(node, vmid).block(CALL_TIMEOUT);
    }

    public String delete(String node, int vmid) {
        return proxmox.delete(node, vmid).block(CALL_TIMEOUT);
    }

    public TaskStatus task(String node, String upid) {
        return proxmox.taskStatus(node, upid).block(CALL_TIMEOUT);
    }

    /**
     * The status of the session's own VM: empty when no VM has that id, or when the VM under that id is not
     * named for the session (its VMID was lost to another clone): teardown must never touch someone else's VM.
     */
    public Optional<String> ownVmStatus(String node, int vmid, String vmName) {
        return proxmox.listVms(node).block(CALL_TIMEOUT).stream()
                .filter(vm -> vm.vmid() == vmid && vmName.equals(vm.name()))
                .map(vm -> vm.status())
                .findFirst();
    }

    /** The VM's Proxmox status ("running", "stopped"), or empty when the VM does not exist. */
    public Optional<String> vmStatus(String node, int vmid) {
        return status(node, vmid).map(VmStatus::status);
    }

    /** The VM's full status (running, hibernated...), or empty when the VM does not exist. */
    public Optional<VmStatus> status(String node, int vmid) {
        try {
            return Optional.of(proxmox.vmStatus(node, vmid).block(CALL_TIMEOUT));
        } catch (ProxmoxException e) {
            if (e.kind() == ProxmoxException.Kind.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Hibernate: RAM to disk, the VM ends stopped with {@code lock: suspended}. */
    public String suspendToDisk(String node, int vmid) {
        return proxmox.suspendToDisk(node, vmid).block(CALL_TIMEOUT);
    }

    /** Starts a hibernated VM from its saved RAM. */
    public String resume(String node, int vmid) {
        return proxmox.resume(node, vmid).block(CALL_TIMEOUT);
    }

    /** The guest's address once its agent reports one (i.e. it has booted far enough to run the agent). */
    public Optional<String> guestAddress(String node, int vmid) {
        return proxmox.guestAddress(node, vmid).block(CALL_TIMEOUT);
    }

    public int guestPort(Protocol protocol) {
        return properties.guestPortOverride() != null ? properties.guestPortOverride() : protocol.defaultPort();
    }

    /** Whether something accepts a TCP connection on the protocol's port: booted, not just "running". */
    public boolean guestAnswers(String address, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), (int) properties.guestProbeTimeout().toMillis());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The guest's address once something answers on its protocol's port; empty until then. */
    public Optional<String> answeringGuest(String node, int vmid, Protocol protocol) {
        return guestAddress(node, vmid).filter(address -> guestAnswers(address, guestPort(protocol)));
    }

    /** The Guacamole connection to a session's guest (named for the session), created or found. */
    public String connectGuest(String vmName, Protocol protocol, String address) {
        return connect(vmName, protocol, address, guestPort(protocol));
    }

    /** Creates the Guacamole connection, or finds the one a previous attempt created under the same name. */
    public String connect(String name, Protocol protocol, String address, int port) {
        Optional<String> existing = connectionNamed(name);
        if (existing.isPresent()) {
            return existing.get();
        }
        return guacamole.createConnection(name, protocol.wireName(), address, port).block(CALL_TIMEOUT);
    }

    public Optional<String> connectionNamed(String name) {
        return guacamole.findConnectionByName(name).block(CALL_TIMEOUT);
    }

    public void disconnect(String connectionId) {
        guacamole.deleteConnection(connectionId).block(CALL_TIMEOUT);
    }

    public String clientUrl(String connectionId) {
        return guacamole.clientUrl(connectionId);
    }
}

package io.vigil.command.session;

import io.vigil.command.KeptVmProperties;
import io.vigil.command.ProvisioningProperties;
import io.vigil.command.guacamole.GuacamoleClient;
import io.vigil.command.proxmox.ClusterVm;
import io.vigil.command.proxmox.ProxmoxClient;
import io.vigil.command.proxmox.ProxmoxException;
import io.vigil.command.proxmox.TaskStatus;
import io.vigil.command.proxmox.VmStatus;
import io.vigil.core.template.Protocol;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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
    private final KeptVmProperties keptVms;
    private final JdbcTemplate jdbc;

    public VmOperations(ProxmoxClient proxmox, GuacamoleClient guacamole, ProvisioningProperties properties,
                        KeptVmProperties keptVms, JdbcTemplate jdbc) {
        this.jdbc = jdbc;
        this.proxmox = proxmox;
        this.guacamole = guacamole;
        this.properties = properties;
        this.keptVms = keptVms;
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

    /** A number for a kept VM's name ({@code vigil-keep-<user>-<n>}), unique across instances. */
    public long nextKeptVmNumber() {
        Long n = jdbc.queryForObject("SELECT nextval('vigil_kept_vm')", Long.class);
        return n == null ? 1 : n;
    }

    /**
     * Clones the template (on its node) into {@code vmid} on {@code target}; answers the task, or null when a VM of
     * ours already holds that id (a repeated clone, finished or still running). The cluster is looked at first:
     * Proxmox's own check sees only the template's node, so a finished clone that moved to another node would
     * otherwise be cloned again and fail at the very end of the task.
     */
    public String cloneOrFindOurs(String templateNode, int templateVmid, int vmid, String vmName, String description,
                                  String target) {
        Optional<FoundVm> existing = find(vmid);
        if (existing.isPresent()) {
            if (existing.get().ours(Set.of(vmName))) {
                return null;
            }
            throw new ProxmoxException(ProxmoxException.Kind.VMID_TAKEN, 0, null,
                    "VMID " + vmid + " is taken by '" + existing.get().name() + "' on " + existing.get().node(), null);
        }
        try {
            return proxmox.clone(templateNode, templateVmid, vmid, vmName, description, target).block(CALL_TIMEOUT);
        } catch (ProxmoxException e) {
            if (e.kind() == ProxmoxException.Kind.VMID_TAKEN && find(vmid).filter(vm -> vm.ours(Set.of(vmName))).isPresent()) {
                return null;
            }
            throw e;
        }
    }

    /** The VM wherever it is in the cluster now (a clone in progress is on the template's node), if it exists. */
    public Optional<ClusterVm> locate(int vmid) {
        return clusterVms().stream().filter(vm -> vm.vmid() == vmid).findFirst();
    }

    /**
     * The VM wherever it is, as its node sees it now. The cluster listing says where a VM is at once, but its name
     * and status come from the nodes' statistics pass (every ~10 s): a new clone has no name there yet, a renamed
     * VM its old one, a started VM still shows stopped. So the listing finds the node, and the node answers the
     * rest. A VM that moved between the two calls (a migration ending) is looked for again.
     */
    public Optional<FoundVm> find(int vmid) {
        for (int look = 0; look < 3; look++) {
            Optional<ClusterVm> listed = locate(vmid);
            if (listed.isEmpty()) {
                return Optional.empty();
            }
            Optional<FoundVm> found = onItsNode(listed.get());
            if (found.isPresent()) {
                return found;
            }
        }
        throw new ProxmoxException(ProxmoxException.Kind.TRANSIENT, 0, null,
                "VM " + vmid + " is listed in the cluster but not found on its node (it keeps moving)", null);
    }

    /** The listed VM as the node the listing names sees it; empty if it is no longer there (it moved, or went). */
    private Optional<FoundVm> onItsNode(ClusterVm listed) {
        return status(listed.node(), listed.vmid()).map(now -> new FoundVm(listed.vmid(), listed.node(), now));
    }

    /** A VM found by {@link #find}: the node that holds it now, and its status read there now. */
    public record FoundVm(int vmid, String node, VmStatus now) {
        public String name() {
            return now.name();
        }

        /**
         * Named for us, or a clone still in progress under an id we reserved (its temporary config has no name
         * yet; the VMID was recorded before the clone, and no one else in Vigil is given it).
         */
        public boolean ours(Set<String> names) {
            return now.name() == null ? now.cloning() : names.contains(now.name());
        }
    }

    public List<ClusterVm> clusterVms() {
        return proxmox.clusterVms().block(CALL_TIMEOUT);
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

    /** The task's state, from the node its UPID names. */
    public TaskStatus task(String upid) {
        return proxmox.taskStatus(upid).block(CALL_TIMEOUT);
    }

    public void rename(String node, int vmid, String name) {
        proxmox.rename(node, vmid, name).block(CALL_TIMEOUT);
    }

    /** The VM's full status (running, hibernated...), or empty when the VM does not exist on that node. */
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

    /**
     * The guest's address once its agent reports a routable one; loopback only where the simulator setting
     * ({@code vigil.provisioning.accept-loopback-guests}) says guests listen on this host's loopback.
     */
    public Optional<String> guestAddress(String node, int vmid) {
        return proxmox.guestAddress(node, vmid, properties.acceptLoopbackGuests()).block(CALL_TIMEOUT);
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

    /**
     * One step towards removing a VM of ours (or keeping it, shut down and named {@code keepAs}), from whatever
     * state it is found in. Never touches a VM that is not ours. The caller follows a started task, waits when
     * told, and asks again until it is told {@link Removal.Done}.
     */
    public Removal removalStep(int vmid, Set<String> ourNames, String keepAs) {
        Optional<ClusterVm> listed = locate(vmid);
        if (listed.isEmpty()) {
            return Removal.Done.gone();
        }
        FoundVm vm;
        try {
            // one listing per step; a VM that moved between the listing and the node's answer is looked for again
            vm = onItsNode(listed.get()).or(() -> find(vmid)).orElse(null);
        } catch (ProxmoxException e) {
            if (listed.get().unknown() && e.transientFailure()) {
                return new Removal.Wait("node " + listed.get().node() + " of VM " + vmid + " is unreachable");
            }
            throw e;
        }
        if (vm == null) {
            return Removal.Done.gone();
        }
        VmStatus now = vm.now();
        if (!vm.ours(ourNames) && !(keepAs != null && keepAs.equals(vm.name()))) {
            return new Removal.Done("VMID " + vmid + " now holds '" + vm.name() + "', not ours: left alone", Removal.Outcome.NOT_OURS);
        }
        if (now.cloning()) {
            return new Removal.Wait("the clone into VM " + vmid + " to finish");
        }
        if (now.running()) {
            if (keepAs != null && !now.paused() && now.lock() == null) {
                // the owner's disk is kept: the guest shuts down cleanly, or is stopped after the timeout
                return new Removal.Task(proxmox.shutdown(vm.node(), vmid, keptVms.shutdownTimeout()).block(CALL_TIMEOUT),
                        "shut down VM " + vmid);
            }
            return new Removal.Task(stop(vm.node(), vmid), "stop VM " + vmid);
        }
        if (keepAs != null) {
            return keep(vm, keepAs);
        }
        if (now.lock() != null && !now.hibernated()) {
            return new Removal.Wait("VM " + vmid + " to be unlocked (lock: " + now.lock() + ")");
        }
        return new Removal.Task(delete(vm.node(), vmid), "destroy VM " + vmid);
    }

    /** A kept VM is stopped (a hibernated one's saved RAM is discarded) and carries its kept name. */
    private Removal keep(FoundVm vm, String keepAs) {
        if (vm.now().hibernated()) {
            proxmox.discardSavedState(vm.node(), vm.vmid()).block(CALL_TIMEOUT);
        } else if (vm.now().lock() != null) {
            return new Removal.Wait("VM " + vm.vmid() + " to be unlocked (lock: " + vm.now().lock() + ")");
        }
        if (!keepAs.equals(vm.name())) {
            rename(vm.node(), vm.vmid(), keepAs);
        }
        return new Removal.Done("kept as " + keepAs + " on " + vm.node(), Removal.Outcome.KEPT);
    }

    /** What {@link #removalStep} did or wants. */
    public sealed interface Removal {
        /** Nothing more to do: the VM is gone, holds someone else's VM now, or is kept under its kept name. */
        record Done(String how, Outcome outcome) implements Removal {
            static Done gone() {
                return new Done("gone", Outcome.GONE);
            }

            public boolean kept() {
                return outcome == Outcome.KEPT;
            }
        }

        enum Outcome { GONE, NOT_OURS, KEPT }

        /** Nothing can be done now: look again later. */
        record Wait(String forWhat) implements Removal {
        }

        /** A Proxmox task was started: follow it, then ask again. */
        record Task(String upid, String what) implements Removal {
        }
    }
}

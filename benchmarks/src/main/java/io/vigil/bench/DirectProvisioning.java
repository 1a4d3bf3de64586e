package io.vigil.bench;

import io.vigil.command.guacamole.GuacamoleClient;
import io.vigil.command.proxmox.ProxmoxClient;
import io.vigil.command.proxmox.TaskStatus;
import io.vigil.command.session.VmOperations;
import io.vigil.core.template.Protocol;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Part 2's baseline: the least a provisioning has to do, done directly with Vigil's own clients and nothing else
 * (no saga, no event, no database, no deadline): clone from the template's node to a target node, follow the
 * task, start, follow the task, wait until the guest agent reports an address and the guest answers on its port,
 * create the Guacamole connection. Tasks and the guest are looked at every 5 ms.
 */
final class DirectProvisioning implements AutoCloseable {
    private static final Duration CALL = Duration.ofSeconds(20);
    private static final Duration LOOK = Duration.ofMillis(5);
    /** The baseline's own VMs, far above the VMIDs Vigil's sequence hands out (part 6 uses 900,000 and up). */
    private static final int VMID_BASE = 910_000;
    private static final String TEMPLATE_NODE = "pve-1";
    private static final int UBUNTU_TEMPLATE_VMID = 9001;
    private static final String NODE = "pve-6";

    private final ProxmoxClient proxmox;
    private final GuacamoleClient guacamole;
    private final VmOperations vms;
    private final List<Integer> made = new ArrayList<>();
    private final List<String> connections = new ArrayList<>();
    private int next = VMID_BASE;

    DirectProvisioning(BenchSystem system) {
        this.proxmox = system.context.getBean(ProxmoxClient.class);
        this.guacamole = system.context.getBean(GuacamoleClient.class);
        this.vms = system.context.getBean(VmOperations.class);
    }

    /** One provisioning, start to connection; answers its duration in ms. */
    double once() {
        int vmid = next++;
        long t0 = System.nanoTime();
        made.add(vmid);
        awaitTask(proxmox.clone(TEMPLATE_NODE, UBUNTU_TEMPLATE_VMID, vmid, "bench-direct-" + vmid, null, NODE).block(CALL));
        awaitTask(proxmox.start(NODE, vmid).block(CALL));
        String address = null;
        while (address == null) {
            address = vms.answeringGuest(NODE, vmid, Protocol.SSH).orElse(null);
            if (address == null) {
                BenchSystem.sleep(LOOK);
            }
        }
        connections.add(guacamole.createConnection("bench-direct-" + vmid, "ssh", address, vms.guestPort(Protocol.SSH)).block(CALL));
        return (System.nanoTime() - t0) / 1e6;
    }

    private void awaitTask(String upid) {
        awaitTask(proxmox, upid);
    }

    /** Follows a task of the baseline's own, every 5 ms, until it ends; a failed task is an error. */
    static void awaitTask(ProxmoxClient proxmox, String upid) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            TaskStatus status = proxmox.taskStatus(upid).block(CALL);
            if (status.finished()) {
                if (!status.succeeded()) {
                    throw new IllegalStateException("direct task " + upid + " failed: " + status.exitStatus());
                }
                return;
            }
            BenchSystem.sleep(LOOK);
        }
        throw new IllegalStateException("direct task " + upid + " did not finish in 30 s");
    }

    /** The baseline's VMs and connections go. */
    @Override
    public void close() {
        for (int vmid : made) {
            awaitTask(proxmox.stop(NODE, vmid).block(CALL));
            awaitTask(proxmox.delete(NODE, vmid).block(CALL));
        }
        connections.forEach(c -> guacamole.deleteConnection(c).block(CALL));
    }
}

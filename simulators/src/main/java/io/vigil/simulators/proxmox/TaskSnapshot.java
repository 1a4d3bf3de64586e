package io.vigil.simulators.proxmox;

/**
 * A worker task as the simulator holds it at one instant (the last 10,000 are kept); for assertions such as
 * "each VM was suspended exactly once".
 *
 * @param type       Proxmox's task type: qmclone, qmstart, qmstop, qmsuspend, qmresume, qmdestroy, ...
 * @param vmid       the VM it worked on, as Proxmox's task id
 * @param exitStatus "OK" or an error text; null while it runs
 */
public record TaskSnapshot(String node, String upid, String type, String vmid, String exitStatus) {

    public boolean running() {
        return exitStatus == null;
    }
}

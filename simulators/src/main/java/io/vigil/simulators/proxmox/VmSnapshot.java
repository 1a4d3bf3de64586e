package io.vigil.simulators.proxmox;

/** A VM as the simulator holds it at one instant; for test assertions. */
public record VmSnapshot(String node, int vmid, String name, String status, String qmpstatus,
                                                  String lock, boolean template) {

    public boolean running() {
        return "running".equals(status);
    }
}

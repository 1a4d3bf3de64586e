package io.vigil.command.proxmox;

/** One VM from {@code GET /nodes/{node}/qemu}. */
public record VmSummary(int vmid, String name, String status, boolean template, String lock) {

    public boolean running() {
        return "running".equals(status);
    }
}

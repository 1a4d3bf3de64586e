package io.vigil.command.proxmox;

/**
  * {@code GET .../qemu/{vmid}/status/current}.
  *
  * @param status    "running" or "stopped"
  * @param qmpstatus QEMU's view: "running", "paused", "stopped", ...
  * @param lock      e.g. "clone", "suspended" (hibernated); null when not locked
  * @param name      the config's name, read now (the cluster listing's lags); null for a clone in progress
  */
public record VmStatus(String status, String qmpstatus, String lock, double cpu, long mem,
                       long maxmem, long uptime, String name) {

    public boolean running() {
        return "running".equals(status);
    }

    public boolean paused() {
        return "paused".equals(qmpstatus);
    }

    /** Suspended to disk: stopped, RAM saved, resumed by {@code resume} (or {@code start}). */
    public boolean hibernated() {
        return "suspended".equals(lock);
    }

    public boolean cloning() {
        return "clone".equals(lock);
    }
}

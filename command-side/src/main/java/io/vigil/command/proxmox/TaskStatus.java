package io.vigil.command.proxmox;

/**
  * A worker task's state. An action's 200 only means the task was started; this says how it ended.
  *
  * @param status     "running" or "stopped"
  * @param exitStatus once stopped: "OK", "WARNINGS: n", or an error text; null while running
  */
public record TaskStatus(String status, String exitStatus) {

    public boolean finished() {
        return "stopped".equals(status);
    }

    public boolean succeeded() {
        return finished() && exitStatus != null
                && (exitStatus.equals("OK") || exitStatus.startsWith("WARNINGS"));
    }
}

package io.vigil.command.session;

import io.vigil.command.guacamole.GuacamoleException;
import io.vigil.command.proxmox.ProxmoxException;
import io.vigil.core.session.FailureCode;

/** A failed saga step, with whether trying again could help and what to tell the engineer. */
final class StepFailure {
    private StepFailure() {
    }

    static boolean isTransient(RuntimeException e) {
        if (e instanceof ProxmoxException p) {
            return p.transientFailure();
        }
        if (e instanceof GuacamoleException g) {
            return g.transientFailure();
        }
        if (e instanceof Gone) {
            return false;
        }
        // timeouts on blocking reads, connection resets, a failed task and the like: worth another try
        return true;
    }

    /** The diagnostic text, for admins and logs only: it may name VMIDs, nodes, tasks and Proxmox's own words. */
    static String reason(RuntimeException e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    /**
     * What the engineer is told: the VM vanished, the cluster could not be reached at all, or else what the step
     * was doing ({@code stepCode}).
     */
    static FailureCode code(RuntimeException e, FailureCode stepCode) {
        if (e instanceof Gone) {
            return FailureCode.VM_LOST;
        }
        if (e instanceof ProxmoxException p && p.kind() == ProxmoxException.Kind.TRANSIENT
                && (p.httpStatus() == 0 || p.httpStatus() >= 595)) {
            return FailureCode.CLUSTER_UNAVAILABLE;
        }
        if (e instanceof TaskFailed t && stepCode == FailureCode.START_FAILED
                && t.getMessage().toLowerCase(java.util.Locale.ROOT).contains("memory")) {
            return FailureCode.NO_CAPACITY;
        }
        return stepCode;
    }

    /** A wait (task, boot) that took longer than allowed. */
    static final class TimedOut extends RuntimeException {
        TimedOut(String message) {
            super(message);
        }
    }

    /** The VM a step works on no longer exists: no retry brings it back. */
    static final class Gone extends RuntimeException {
        Gone(String message) {
            super(message);
        }
    }

    /** A Proxmox task that ended with an error exit status. */
    static final class TaskFailed extends RuntimeException {
        TaskFailed(String message) {
            super(message);
        }
    }
}

package io.vigil.command.session;

import io.vigil.command.guacamole.GuacamoleException;
import io.vigil.command.proxmox.ProxmoxException;

/** A failed saga step, with whether trying again could help. */
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
        // timeouts on blocking reads, connection resets and the like: worth another try
        return true;
    }

    static String reason(RuntimeException e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
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

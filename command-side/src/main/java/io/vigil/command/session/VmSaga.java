package io.vigil.command.session;

import io.vigil.command.ProvisioningProperties;
import java.time.Clock;
import java.time.Duration;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.deadline.annotation.DeadlineHandler;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * What the VM sagas share: their collaborators (injected, never serialized), a step machine that {@link #advance()}
 * runs from wherever it stands, and two persistent deadlines that wake it: {@link #POLL} while Proxmox is not done
 * yet, {@link #RETRY} after a failure worth another try. Deadlines are scoped to the saga instance, so one pair of
 * names serves every saga type.
 */
abstract class VmSaga {
    static final String POLL = "vm-saga-poll";
    static final String RETRY = "vm-saga-retry";

    @Autowired
    transient CommandGateway commands;
    @Autowired
    transient DeadlineManager deadlines;
    @Autowired
    transient VmOperations vm;
    @Autowired
    transient ProvisioningProperties properties;
    @Autowired
    transient Clock clock;

    /** Failed steps retried so far; one retry per entry of {@code retry-backoff}. */
    int failures;

    /** Runs the current step; a failure goes to {@link #failed}, which retries, compensates or gives up. */
    final void advance() {
        try {
            runStep();
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    /** The current step; every step is safe to run again after a crash or a redelivery. */
    abstract void runStep();

    abstract void failed(RuntimeException e);

    @DeadlineHandler(deadlineName = POLL)
    void pollAgain() {
        advance();
    }

    @DeadlineHandler(deadlineName = RETRY)
    void retry() {
        advance();
    }

    /** Schedules the next retry and answers its wait, or null when the retries are used up. */
    Duration retryLater() {
        if (failures >= properties.retryBackoff().size()) {
            return null;
        }
        Duration wait = properties.retryBackoff().get(failures);
        failures++;
        deadlines.schedule(wait, RETRY);
        return wait;
    }
}

package io.vigil.command.session;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.vigil.command.ProvisioningProperties;
import io.vigil.command.proxmox.TaskStatus;
import io.vigil.command.proxmox.VmStatus;
import io.vigil.command.session.VmOperations.FoundVm;
import io.vigil.command.session.VmOperations.Removal;
import io.vigil.core.session.HandOverTeardown;
import io.vigil.core.session.SessionId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.deadline.annotation.DeadlineHandler;
import org.axonframework.modelling.saga.SagaLifecycle;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * What the VM sagas share: their collaborators (injected, never serialized), a step machine that {@link #advance()}
 * runs from wherever it stands, and one persistent deadline at a time that wakes it: {@link #POLL} while Proxmox is
 * not done yet, {@link #RETRY} after a failure worth another try. The deadline's id is kept, so it is cancelled
 * by that id when the saga ends (never by a scan of every scheduled deadline).
 * <p>
 * Commands are sent and waited for: a command that fails fails the step, on any command bus. A saga's last report
 * is a step of its own, left only once the report is sent, so a report that fails is sent again.
 * <p>
 * Saga state is JSON; a property an older version stored and this one no longer has is skipped, so sagas in flight
 * across an upgrade go on.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
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
    /** The deadline this saga waits on, if any, and its name. */
    String pendingDeadline;
    String pendingDeadlineName;
    PollClock poll;
    /** What the current poll clock waits for: a new reason starts a new clock. */
    String pollingFor;
    /** A stop or destroy task a removal started and follows. */
    String removalTask;

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
        pendingDeadline = null;
        advance();
    }

    @DeadlineHandler(deadlineName = RETRY)
    void retry() {
        pendingDeadline = null;
        advance();
    }

    void send(Object command) {
        commands.sendAndWait(command);
    }

    Instant now() {
        return clock.instant();
    }

    /** Starts a fresh wait (a new task, a new boot). */
    void startPolling() {
        poll = PollClock.start(now(), properties.pollInitial());
        pollingFor = null;
    }

    /** Looks again after the next back-off step; past {@code limit} since the wait began, gives up (TimedOut). */
    void pollLater(String waitingFor, Duration limit, Duration max) {
        if (poll == null) {
            startPolling();
        }
        Duration wait = poll.nextWait(now(), limit, waitingFor);
        poll = poll.backedOff(max);
        pollingFor = waitingFor;
        wakeIn(wait, POLL);
    }

    /**
     * Schedules the next retry and answers its wait, or null when the retries are used up. The retried step gets a
     * fresh wait limit: a step that timed out waiting is not timed out again at once.
     */
    Duration retryLater() {
        if (failures >= properties.retryBackoff().size()) {
            return null;
        }
        Duration wait = properties.retryBackoff().get(failures);
        failures++;
        startPolling();
        wakeIn(wait, RETRY);
        return wait;
    }

    /** For what must not be given up (a report, a VM its owner keeps): retries at the longest back-off, for ever. */
    Duration retryAtLongest() {
        List<Duration> backoff = properties.retryBackoff();
        Duration wait = backoff.isEmpty() ? Duration.ofMinutes(1) : backoff.get(backoff.size() - 1);
        startPolling();
        wakeIn(wait, RETRY);
        return wait;
    }

    /**
     * The VM's status on the node it is on now. A VM an admin migrated is no longer on the node the saga knows:
     * it is found in the cluster (still named {@code name}) and followed there ({@code movedTo} is told). A VM
     * gone from the cluster is {@link StepFailure.Gone}.
     */
    VmStatus statusWherever(String node, int vmid, String name, Consumer<String> movedTo) {
        var here = vm.status(node, vmid);
        if (here.isPresent()) {
            return here.get();
        }
        FoundVm moved = vm.find(vmid).filter(found -> found.ours(Set.of(name)))
                .orElseThrow(() -> new StepFailure.Gone("VM " + vmid + " is gone from the cluster"));
        movedTo.accept(moved.node());
        return moved.now();
    }

    void wakeIn(Duration wait, String deadlineName) {
        cancelPending();
        pendingDeadline = deadlines.schedule(wait, deadlineName);
        pendingDeadlineName = deadlineName;
    }

    /**
     * The session began ending while this saga worked on its VM: the saga stops and hands the VM to teardown with
     * the task it leaves running. If its last report went out already, that report was the hand-over.
     */
    void handOver(SessionId sessionId, boolean lastReportSent, String runningTask) {
        if (!lastReportSent) {
            send(new HandOverTeardown(sessionId, runningTask));
        }
        finish();
    }

    /** Ends the saga and the deadline it waits on. */
    void finish() {
        cancelPending();
        SagaLifecycle.end();
    }

    private void cancelPending() {
        if (pendingDeadline != null) {
            deadlines.cancelSchedule(pendingDeadlineName, pendingDeadline);
            pendingDeadline = null;
        }
    }

    /**
     * Drives {@link VmOperations#removalStep} one look at a time: follows a started stop or destroy task, waits
     * while the VM cannot be touched, and answers the outcome once there is nothing more to do (null meanwhile;
     * a deadline then wakes the saga). A failed task throws, for the saga's retry.
     */
    Removal.Done removeOrWait(int vmid, Set<String> ourNames, String keepAs) {
        // a fast Proxmox ends a stop or destroy at once: look again right away, a few times, before waiting
        for (int look = 0; look < 6; look++) {
            if (removalTask != null) {
                TaskStatus task = vm.task(removalTask);
                if (!task.finished()) {
                    pollLater("Proxmox task " + removalTask, properties.waitLimit(), properties.pollMax());
                    return null;
                }
                removalTask = null;
                startPolling();
                if (!task.succeeded()) {
                    throw new StepFailure.TaskFailed("Proxmox task on VM " + vmid + " failed: " + task.exitStatus());
                }
            }
            Removal step = vm.removalStep(vmid, ourNames, keepAs);
            if (step instanceof Removal.Task started) {
                removalTask = started.upid();
                startPolling();
                continue;
            }
            if (step instanceof Removal.Wait wait) {
                if (!wait.forWhat().equals(pollingFor)) {
                    startPolling();
                }
                pollLater(wait.forWhat(), properties.waitLimit(), properties.pollMax());
                return null;
            }
            return (Removal.Done) step;
        }
        pollLater("VM " + vmid + " to be removed", properties.waitLimit(), properties.pollMax());
        return null;
    }
}

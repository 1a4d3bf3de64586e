package io.vigil.command.session;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import io.vigil.command.proxmox.TaskStatus;
import io.vigil.command.proxmox.VmStatus;
import io.vigil.core.session.FailHibernation;
import io.vigil.core.session.HibernationFailed;
import io.vigil.core.session.HibernationStarted;
import io.vigil.core.session.RaiseAdminAlert;
import io.vigil.core.session.RecordVmHibernated;
import io.vigil.core.session.SessionEnding;
import io.vigil.core.session.SessionHibernated;
import io.vigil.core.session.SessionId;
import java.time.Duration;
import org.axonframework.modelling.saga.EndSaga;
import org.axonframework.modelling.saga.SagaEventHandler;
import org.axonframework.modelling.saga.StartSaga;
import org.axonframework.spring.stereotype.Saga;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hibernates a session: suspend the VM to disk ({@code todisk=1}, RAM freed), follow the task, then remove the
 * Guacamole connection (resume makes a new one from the VM's name and protocol). Each step first looks at what
 * Proxmox says, so a step repeated after a crash or a redelivery finds its work done instead of failing. Proxmox
 * errors are retried with the provisioning back-off; if suspending still fails, the session stays active.
 */
@Saga
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public class HibernationSaga extends VmSaga {
    private static final Logger log = LoggerFactory.getLogger(HibernationSaga.class);

    enum Step { SUSPEND, AWAIT_SUSPEND, DISCONNECT, DONE }


    private SessionId sessionId;
    private String node;
    private int vmid;
    private String connectionId;
    private Step step;
    private String upid;
    private PollClock poll;

    @StartSaga
    @SagaEventHandler(associationProperty = "sessionId")
    void on(HibernationStarted event) {
        sessionId = event.sessionId();
        node = event.node().value();
        vmid = event.vmid();
        connectionId = event.connectionId();
        step = Step.SUSPEND;
        advance();
    }

    @EndSaga
    @SagaEventHandler(associationProperty = "sessionId")
    void on(SessionHibernated event) {
        step = Step.DONE;
    }

    @EndSaga
    @SagaEventHandler(associationProperty = "sessionId")
    void on(HibernationFailed event) {
        step = Step.DONE;
    }

    /** Ended meanwhile: teardown deletes the VM, suspended or not. */
    @EndSaga
    @SagaEventHandler(associationProperty = "sessionId")
    void on(SessionEnding event) {
        step = Step.DONE;
    }

    @Override
    void runStep() {
        switch (step) {
            case SUSPEND -> suspend();
            case AWAIT_SUSPEND -> awaitSuspend();
            case DISCONNECT -> disconnect();
            case DONE -> { }
        }
    }

    private void suspend() {
        VmStatus status = vm.status(node, vmid).orElseThrow(() -> new StepFailure.Gone("VM " + vmid + " is gone from " + node));
        if (!status.running()) {
            // already on disk (a repeated step), or shut down from inside: either way it holds no RAM
            next(Step.DISCONNECT);
            return;
        }
        upid = vm.suspendToDisk(node, vmid);
        poll = PollClock.start(clock.instant(), properties.pollInitial());
        next(Step.AWAIT_SUSPEND);
    }

    private void awaitSuspend() {
        TaskStatus status = vm.task(node, upid);
        if (!status.finished()) {
            poll = poll.lookAgainLater(deadlines, POLL, clock.instant(), properties.waitLimit(), properties.pollMax(),
                    "Proxmox task " + upid + " to suspend VM " + vmid);
            return;
        }
        if (!status.succeeded()) {
            step = Step.SUSPEND;
            throw new StepFailure.TaskFailed("Proxmox could not suspend VM " + vmid + ": " + status.exitStatus());
        }
        next(Step.DISCONNECT);
    }

    private void disconnect() {
        if (connectionId != null) {
            vm.disconnect(connectionId);
        }
        step = Step.DONE;
        commands.send(new RecordVmHibernated(sessionId));
    }

    private void next(Step nextStep) {
        step = nextStep;
        advance();
    }

    @Override
    void failed(RuntimeException e) {
        String reason = StepFailure.reason(e);
        if (step == Step.AWAIT_SUSPEND) {
            step = Step.SUSPEND;
        }
        Duration wait = StepFailure.isTransient(e) ? retryLater() : null;
        if (wait != null) {
            log.info("Hibernation of session {} hit '{}' at {}; retry {} in {}", sessionId, reason, step, failures, wait);
            return;
        }
        if (step == Step.DISCONNECT) {
            // The VM is on disk, which is what the session's state must say; a stale connection is only clutter
            // (resume reuses it by name), so it is reported rather than undoing the hibernation.
            log.warn("Session {} hibernated, but its Guacamole connection {} stays: {}", sessionId, connectionId, reason);
            commands.send(new RaiseAdminAlert(sessionId, "Guacamole connection " + connectionId + " of hibernated session "
                    + sessionId + " could not be removed: " + reason));
            connectionId = null;
            disconnect();
            return;
        }
        log.warn("Hibernation of session {} failed for good at {}: {}", sessionId, step, reason);
        step = Step.DONE;
        commands.send(new FailHibernation(sessionId, reason));
    }
}

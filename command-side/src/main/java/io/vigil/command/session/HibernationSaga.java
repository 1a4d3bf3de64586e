package io.vigil.command.session;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import io.vigil.command.proxmox.TaskStatus;
import io.vigil.command.proxmox.VmStatus;
import io.vigil.core.session.FailHibernation;
import io.vigil.core.session.FailureCode;
import io.vigil.core.session.HibernationFailed;
import io.vigil.core.session.HibernationStarted;
import io.vigil.core.session.RaiseAdminAlert;
import io.vigil.core.session.RecordVmHibernated;
import io.vigil.core.session.RecordVmLost;
import io.vigil.core.session.SessionEnding;
import io.vigil.core.session.SessionHibernated;
import io.vigil.core.session.SessionId;
import java.time.Duration;
import org.axonframework.modelling.saga.SagaEventHandler;
import org.axonframework.modelling.saga.StartSaga;
import org.axonframework.spring.stereotype.Saga;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hibernates a session: suspend the VM to disk ({@code todisk=1}, RAM freed), follow the task, then remove the
 * Guacamole connection (resume makes a new one from the VM's name and protocol). Each step first looks at what
 * Proxmox says, so a step repeated after a crash or a redelivery finds its work done instead of failing. Proxmox
 * errors are retried with the provisioning back-off; if suspending still fails, the session stays active. A VM
 * that is gone ends the session; a session that ends meanwhile gets its VM handed to teardown.
 */
@Saga
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public class HibernationSaga extends VmSaga {
    private static final Logger log = LoggerFactory.getLogger(HibernationSaga.class);

    enum Step { AWAIT_PENDING, SUSPEND, AWAIT_SUSPEND, DISCONNECT, RECORD, DONE }

    private SessionId sessionId;
    private String node;
    private int vmid;
    private String connectionId;
    private Step step;
    private String upid;

    @StartSaga
    @SagaEventHandler(associationProperty = "sessionId")
    void on(HibernationStarted event) {
        sessionId = event.sessionId();
        node = event.node().value();
        vmid = event.vmid();
        connectionId = event.connectionId();
        upid = event.pendingTask();
        step = upid != null ? Step.AWAIT_PENDING : Step.SUSPEND;
        startPolling();
        advance();
    }

    @SagaEventHandler(associationProperty = "sessionId")
    void on(SessionHibernated event) {
        finish();
    }

    @SagaEventHandler(associationProperty = "sessionId")
    void on(HibernationFailed event) {
        finish();
    }

    /** Ended meanwhile: teardown deletes the VM, suspended or not, once the suspend task (if any) is over. */
    @SagaEventHandler(associationProperty = "sessionId")
    void on(SessionEnding event) {
        boolean taskRuns = step == Step.AWAIT_SUSPEND || step == Step.AWAIT_PENDING;
        handOver(sessionId, step == Step.DONE, taskRuns ? upid : null);
    }

    @Override
    void runStep() {
        switch (step) {
            case AWAIT_PENDING -> awaitPending();
            case SUSPEND -> suspend();
            case AWAIT_SUSPEND -> awaitSuspend();
            case DISCONNECT -> disconnect();
            case RECORD -> record();
            case DONE -> { }
        }
    }

    /** A resume that gave up may still be starting the VM: suspend it only once that task is over. */
    private void awaitPending() {
        if (!vm.task(upid).finished()) {
            pollLater("the resume task " + upid + " to end", properties.waitLimit(), properties.pollMax());
            return;
        }
        next(Step.SUSPEND);
    }

    private void suspend() {
        VmStatus status = statusWherever(node, vmid, sessionId.vmName(), movedTo -> node = movedTo);
        if (!status.running()) {
            // already on disk (a repeated step), or shut down from inside: either way it holds no RAM
            next(Step.DISCONNECT);
            return;
        }
        upid = vm.suspendToDisk(node, vmid);
        startPolling();
        next(Step.AWAIT_SUSPEND);
    }

    private void awaitSuspend() {
        TaskStatus status = vm.task(upid);
        if (!status.finished()) {
            pollLater("Proxmox task " + upid + " to suspend VM " + vmid, properties.waitLimit(), properties.pollMax());
            return;
        }
        if (!status.succeeded()) {
            step = Step.SUSPEND;
            throw new StepFailure.TaskFailed("Proxmox could not suspend VM " + vmid + ": " + status.exitStatus());
        }
        next(Step.DISCONNECT);
    }

    /** A hibernating session has no connection: the recorded one, or one a failed resume made (found by name). */
    private void disconnect() {
        String connection = connectionId != null ? connectionId : vm.connectionNamed(sessionId.vmName()).orElse(null);
        if (connection != null) {
            vm.disconnect(connection);
        }
        next(Step.RECORD);
    }

    /** Ends on {@link SessionHibernated}, or hands over on {@link SessionEnding} (this report is the hand-over). */
    private void record() {
        send(new RecordVmHibernated(sessionId));
        step = Step.DONE;
    }

    private void next(Step nextStep) {
        step = nextStep;
        advance();
    }

    @Override
    void failed(RuntimeException e) {
        String reason = StepFailure.reason(e);
        if (e instanceof StepFailure.Gone) {
            log.warn("Hibernation of session {}: {}; the session ends", sessionId, reason);
            step = Step.DONE;
            send(RecordVmLost.bySaga(sessionId, reason));
            finish();
            return;
        }
        if (step == Step.AWAIT_SUSPEND || step == Step.AWAIT_PENDING) {
            step = Step.SUSPEND;
        }
        if (step == Step.RECORD) {
            Duration wait = retryAtLongest();
            log.warn("Hibernation of session {} could not record the VM on disk: {}; again in {}", sessionId, reason, wait);
            return;
        }
        Duration wait = StepFailure.isTransient(e) ? retryLater() : null;
        if (wait != null) {
            log.info("Hibernation of session {} hit '{}' at {}; retry {} in {}", sessionId, reason, step, failures, wait);
            return;
        }
        if (step == Step.DISCONNECT) {
            // The VM is on disk, which is what the session's state must say; the stale connection is the
            // reconciler's (resume reuses it by name meanwhile), so it is reported rather than undoing the hibernation.
            log.warn("Session {} hibernated, but its Guacamole connection {} stays: {}", sessionId, connectionId, reason);
            send(new RaiseAdminAlert(sessionId, "Guacamole connection " + (connectionId != null ? connectionId
                    : "'" + sessionId.vmName() + "'") + " of hibernated session " + sessionId
                    + " could not be removed: " + reason));
            next(Step.RECORD);
            return;
        }
        log.warn("Hibernation of session {} failed for good at {}: {}", sessionId, step, reason);
        step = Step.DONE;
        // A suspend that failed in Proxmox leaves the VM running with "lock: suspending": say how to free it.
        boolean locked = reason.contains("locked (suspending)") || reason.contains("savevm");
        send(new FailHibernation(sessionId, FailureCode.HIBERNATION_FAILED, reason + (locked
                ? " (Proxmox may have left the VM locked: 'qm unlock " + vmid + "' on " + node + " frees it)" : "")));
    }
}

package io.vigil.command.session;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonCreator;
import io.vigil.command.HibernationProperties;
import io.vigil.command.proxmox.TaskStatus;
import io.vigil.command.proxmox.VmStatus;
import io.vigil.core.session.CompleteResume;
import io.vigil.core.session.FailResume;
import io.vigil.core.session.FailureCode;
import io.vigil.core.session.RecordVmLost;
import io.vigil.core.session.ResumeFailed;
import io.vigil.core.session.ResumeStarted;
import io.vigil.core.session.SessionEnding;
import io.vigil.core.session.SessionId;
import io.vigil.core.session.SessionResumed;
import io.vigil.core.template.Protocol;
import java.time.Instant;
import java.util.Optional;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.modelling.saga.SagaEventHandler;
import org.axonframework.modelling.saga.StartSaga;
import org.axonframework.spring.stereotype.Saga;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Brings a hibernated session back: resume the VM from disk (or start it, if it was shut down from inside), follow
 * the task, wait until it runs and the guest answers on its port, recreate the Guacamole connection, hand back a
 * fresh client URL.
 * <p>
 * One clock bounds all of it, retries included: {@code resume-wait-limit} (30 s) from {@link ResumeStarted} to
 * active or {@link ResumeFailed}. Someone is waiting, so a Proxmox error is tried again after a short back-off
 * within that clock, never after provisioning's long retries. The clock is read between steps: a call to Proxmox
 * or Guacamole already in flight when it runs out is allowed its own timeout (20 s) before the resume fails, so
 * the user hears at the latest one call timeout after the limit. A VM that started (or may still start) goes
 * back to disk through a hibernation, which takes the VM over.
 * <p>
 * If the session begins ending meanwhile, the saga hands the VM to teardown when it sees the end; a report it
 * sends after the end began ({@link CompleteResume}, {@link FailResume}) is taken as that hand-over.
 */
@Saga
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public class ResumeSaga extends VmSaga {
    private static final Logger log = LoggerFactory.getLogger(ResumeSaga.class);

    enum Step {
        RESUME, AWAIT_TASK, AWAIT_GUEST, CONNECT, GIVE_UP, DONE;

        /**
         * Steps an older version stored: its resume task wait is ours; it undid a failed resume itself (suspend
         * again), which is the hibernation saga's work now, so such a resume gives up and hands the VM to it.
         */
        @JsonCreator
        static Step of(String name) {
            return switch (name) {
                case "AWAIT_RESUME" -> AWAIT_TASK;
                case "UNDO", "AWAIT_UNDO" -> GIVE_UP;
                default -> valueOf(name);
            };
        }
    }

    @Autowired
    private transient HibernationProperties hibernation;

    private SessionId sessionId;
    private String node;
    private int vmid;
    private Protocol protocol;
    private String guestAddress;
    private Step step;
    private String upid;
    @JsonAlias("failure")
    private String lastError;

    @StartSaga
    @SagaEventHandler(associationProperty = "sessionId")
    void on(ResumeStarted event, @Timestamp Instant startedAt) {
        sessionId = event.sessionId();
        node = event.node().value();
        vmid = event.vmid();
        protocol = event.protocol();
        step = Step.RESUME;
        // the one clock: every wait and every retry of this resume is measured from the moment it was admitted
        poll = new PollClock(startedAt, properties.pollInitial().toMillis());
        advance();
    }

    @SagaEventHandler(associationProperty = "sessionId")
    void on(SessionResumed event) {
        finish();
    }

    @SagaEventHandler(associationProperty = "sessionId")
    void on(ResumeFailed event) {
        finish();
    }

    /** Ended meanwhile: teardown takes the VM, once a resume task that may still run is over. */
    @SagaEventHandler(associationProperty = "sessionId")
    void on(SessionEnding event) {
        boolean taskRuns = step == Step.AWAIT_TASK || step == Step.GIVE_UP;
        handOver(sessionId, step == Step.DONE, taskRuns ? upid : null);
    }

    @Override
    void runStep() {
        switch (step) {
            case RESUME -> resume();
            case AWAIT_TASK -> awaitTask();
            case AWAIT_GUEST -> awaitGuest();
            case CONNECT -> connect();
            case GIVE_UP -> giveUp(new StepFailure.TaskFailed(lastError != null ? lastError : "the resume failed"),
                    lastError != null ? lastError : "the resume failed");
            case DONE -> { }
        }
    }

    private void resume() {
        VmStatus status = statusWherever(node, vmid, sessionId.vmName(), movedTo -> node = movedTo);
        if (status.running()) {
            step = Step.AWAIT_GUEST;
            awaitGuest();
            return;
        }
        // a VM shut down from inside has no saved RAM: it boots, which the guest wait below covers
        upid = status.hibernated() ? vm.resume(node, vmid) : vm.start(node, vmid);
        step = Step.AWAIT_TASK;
        awaitTask();
    }

    private void awaitTask() {
        TaskStatus status = vm.task(upid);
        if (!status.finished()) {
            lookAgain("Proxmox task " + upid + " on VM " + vmid);
            return;
        }
        if (!status.succeeded()) {
            step = Step.RESUME;
            throw new StepFailure.TaskFailed("Proxmox task on VM " + vmid + " failed: " + status.exitStatus());
        }
        step = Step.AWAIT_GUEST;
        awaitGuest();
    }

    private void awaitGuest() {
        Optional<String> address = vm.status(node, vmid).filter(VmStatus::running)
                .flatMap(running -> vm.answeringGuest(node, vmid, protocol));
        if (address.isEmpty()) {
            lookAgain("the guest of VM " + vmid + " to answer on its " + protocol.wireName() + " port");
            return;
        }
        guestAddress = address.get();
        step = Step.CONNECT;
        connect();
    }

    /** Found by name when repeated, so a report that failed is sent again with the same connection. */
    private void connect() {
        String connectionId = vm.connectGuest(sessionId.vmName(), protocol, guestAddress);
        send(new CompleteResume(sessionId, connectionId, vm.clientUrl(connectionId)));
        step = Step.DONE;
    }

    private void lookAgain(String waitingFor) {
        pollLater(waitingFor, hibernation.resumeWaitLimit(), hibernation.resumePollMax());
    }

    @Override
    void failed(RuntimeException e) {
        String reason = StepFailure.reason(e);
        if (e instanceof StepFailure.Gone) {
            log.warn("Resume of session {}: {}; the session ends", sessionId, reason);
            step = Step.DONE;
            send(RecordVmLost.bySaga(sessionId, reason));
            finish();
            return;
        }
        if (!(e instanceof StepFailure.TimedOut) && StepFailure.isTransient(e)) {
            lastError = reason;
            try {
                lookAgain("a retry after: " + reason);
                log.info("Resume of session {} hit '{}' at {}; trying again", sessionId, reason, step);
                return;
            } catch (StepFailure.TimedOut timedOut) {
                e = timedOut;
                reason = timedOut.getMessage();
            }
        }
        giveUp(e, reason);
    }

    /** Within the clock, or not at all: the user is told now, and a VM that may be running goes back to disk. */
    private void giveUp(RuntimeException e, String reason) {
        boolean taskRuns = (step == Step.AWAIT_TASK || step == Step.GIVE_UP) && upid != null && !taskFinished();
        boolean running = taskRuns || step == Step.AWAIT_GUEST || step == Step.CONNECT || vmRunsOrUnknown();
        FailureCode code = e instanceof StepFailure.TimedOut ? FailureCode.RESUME_TIMED_OUT : FailureCode.RESUME_FAILED;
        String detail = lastError == null || reason.contains(lastError) ? reason : reason + " (last error: " + lastError + ")";
        log.warn("Resume of session {} failed at {}: {}", sessionId, step, detail);
        send(new FailResume(sessionId, code, detail, running, taskRuns ? upid : null));
        step = Step.DONE;
        finish();
    }

    private boolean taskFinished() {
        try {
            return vm.task(upid).finished();
        } catch (RuntimeException unreadable) {
            return false;
        }
    }

    /** When Proxmox cannot say, assume the VM runs: the hibernation that follows looks before it acts. */
    private boolean vmRunsOrUnknown() {
        try {
            return vm.status(node, vmid).map(VmStatus::running).orElse(false);
        } catch (RuntimeException unreadable) {
            return true;
        }
    }
}

package io.vigil.command.session;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import io.vigil.command.HibernationProperties;
import io.vigil.command.proxmox.TaskStatus;
import io.vigil.command.proxmox.VmStatus;
import io.vigil.core.session.CompleteResume;
import io.vigil.core.session.FailResume;
import io.vigil.core.session.RaiseAdminAlert;
import io.vigil.core.session.ResumeFailed;
import io.vigil.core.session.ResumeStarted;
import io.vigil.core.session.SessionEnding;
import io.vigil.core.session.SessionId;
import io.vigil.core.session.SessionResumed;
import io.vigil.core.template.Protocol;
import java.time.Duration;
import java.util.Optional;
import org.axonframework.modelling.saga.EndSaga;
import org.axonframework.modelling.saga.SagaEventHandler;
import org.axonframework.modelling.saga.StartSaga;
import org.axonframework.spring.stereotype.Saga;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Brings a hibernated session back: resume the VM from disk (or start it, if it was shut down from inside), follow
 * the task, wait until it runs and the guest answers on its port (bounded by the resume wait limit), recreate the
 * Guacamole connection, hand back a fresh client URL. Proxmox errors are retried with back-off; when resume gives
 * up, a VM that did start is suspended again before the session goes back to hibernating, so a hibernating
 * session never leaves a running VM behind unreported.
 */
@Saga
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public class ResumeSaga extends VmSaga {
    private static final Logger log = LoggerFactory.getLogger(ResumeSaga.class);

    enum Step { RESUME, AWAIT_RESUME, AWAIT_GUEST, CONNECT, UNDO, AWAIT_UNDO, DONE }

    @Autowired
    private transient HibernationProperties hibernation;

    private SessionId sessionId;
    private String node;
    private int vmid;
    private Protocol protocol;
    private String guestAddress;
    private Step step;
    private String upid;
    private PollClock poll;
    private String failure;

    @StartSaga
    @SagaEventHandler(associationProperty = "sessionId")
    void on(ResumeStarted event) {
        sessionId = event.sessionId();
        node = event.node().value();
        vmid = event.vmid();
        protocol = event.protocol();
        step = Step.RESUME;
        advance();
    }

    @EndSaga
    @SagaEventHandler(associationProperty = "sessionId")
    void on(SessionResumed event) {
        step = Step.DONE;
    }

    @EndSaga
    @SagaEventHandler(associationProperty = "sessionId")
    void on(ResumeFailed event) {
        step = Step.DONE;
    }

    /** Ended meanwhile: teardown stops and deletes the VM (and a connection made for it, found by name). */
    @EndSaga
    @SagaEventHandler(associationProperty = "sessionId")
    void on(SessionEnding event) {
        step = Step.DONE;
    }

    @Override
    void runStep() {
        switch (step) {
            case RESUME -> resume();
            case AWAIT_RESUME -> awaitTask(this::beginGuestWait);
            case AWAIT_GUEST -> awaitGuest();
            case CONNECT -> connect();
            case UNDO -> undo();
            case AWAIT_UNDO -> awaitTask(this::giveUp);
            case DONE -> { }
        }
    }

    private void resume() {
        VmStatus status = vm.status(node, vmid).orElseThrow(() -> new StepFailure.Gone("VM " + vmid + " is gone from " + node));
        if (status.running()) {
            beginGuestWait();
            return;
        }
        // a VM shut down from inside has no saved RAM: it boots, which the guest wait below covers
        waitFor(status.hibernated() ? vm.resume(node, vmid) : vm.start(node, vmid), Step.AWAIT_RESUME);
    }

    private void waitFor(String task, Step awaiting) {
        upid = task;
        poll = PollClock.start(clock.instant(), properties.pollInitial());
        step = awaiting;
        advance();
    }

    private void awaitTask(Runnable onSuccess) {
        TaskStatus status = vm.task(node, upid);
        if (!status.finished()) {
            poll = poll.lookAgainLater(deadlines, POLL, clock.instant(), properties.waitLimit(), hibernation.resumePollMax(),
                    "Proxmox task " + upid + " on VM " + vmid);
            return;
        }
        if (!status.succeeded()) {
            throw new StepFailure.TaskFailed("Proxmox task on VM " + vmid + " failed: " + status.exitStatus());
        }
        onSuccess.run();
    }

    private void beginGuestWait() {
        poll = PollClock.start(clock.instant(), properties.pollInitial());
        step = Step.AWAIT_GUEST;
        awaitGuest();
    }

    private void awaitGuest() {
        Optional<String> address = vm.vmStatus(node, vmid).filter("running"::equals)
                .flatMap(running -> vm.answeringGuest(node, vmid, protocol));
        if (address.isEmpty()) {
            poll = poll.lookAgainLater(deadlines, POLL, clock.instant(), hibernation.resumeWaitLimit(), hibernation.resumePollMax(),
                    "the guest of VM " + vmid + " to answer on its " + protocol.wireName() + " port");
            return;
        }
        guestAddress = address.get();
        step = Step.CONNECT;
        connect();
    }

    private void connect() {
        String connectionId = vm.connectGuest(sessionId.vmName(), protocol, guestAddress);
        step = Step.DONE;
        commands.send(new CompleteResume(sessionId, connectionId, vm.clientUrl(connectionId)));
    }

    /** Resume gave up: a VM that started anyway is put back on disk, so "hibernating" stays true. */
    private void undo() {
        Optional<VmStatus> status = vm.status(node, vmid);
        if (status.isPresent() && status.get().running()) {
            waitFor(vm.suspendToDisk(node, vmid), Step.AWAIT_UNDO);
        } else {
            giveUp();
        }
    }

    private void giveUp() {
        step = Step.DONE;
        commands.send(new FailResume(sessionId, failure));
    }

    @Override
    void failed(RuntimeException e) {
        String reason = StepFailure.reason(e);
        if (step == Step.UNDO || step == Step.AWAIT_UNDO) {
            log.error("Session {}: resume failed and VM {} on {} could not be suspended again: {}", sessionId, vmid, node, reason);
            commands.send(new RaiseAdminAlert(sessionId, "VM " + vmid + " on " + node + " may be running although session "
                    + sessionId + " is hibernating: suspending it again failed: " + reason));
            giveUp();
            return;
        }
        if (step == Step.AWAIT_RESUME) {
            step = Step.RESUME;
        }
        // A guest that does not answer in time is not retried: the user is waiting, and may try again.
        Duration wait = StepFailure.isTransient(e) && !(e instanceof StepFailure.TimedOut) ? retryLater() : null;
        if (wait != null) {
            log.info("Resume of session {} hit '{}' at {}; retry {} in {}", sessionId, reason, step, failures, wait);
            return;
        }
        log.warn("Resume of session {} failed at {}: {}", sessionId, step, reason);
        failure = reason;
        step = Step.UNDO;
        advance();
    }
}

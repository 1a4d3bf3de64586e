package io.vigil.command.session;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import io.vigil.command.proxmox.TaskStatus;
import io.vigil.core.session.ActivateSession;
import io.vigil.core.session.FailSession;
import io.vigil.core.session.RecordVmBooted;
import io.vigil.core.session.RecordVmCloned;
import io.vigil.core.session.ReserveVmId;
import io.vigil.core.session.ScheduleProvisioningRetry;
import io.vigil.core.session.SessionActivated;
import io.vigil.core.session.SessionEnding;
import io.vigil.core.session.SessionFailed;
import io.vigil.core.session.SessionId;
import io.vigil.core.session.SessionRequested;
import io.vigil.core.session.VmBooted;
import io.vigil.core.session.VmCloned;
import io.vigil.core.session.VmIdReserved;
import io.vigil.core.template.Protocol;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.axonframework.modelling.saga.EndSaga;
import org.axonframework.modelling.saga.SagaEventHandler;
import org.axonframework.modelling.saga.StartSaga;
import org.axonframework.spring.stereotype.Saga;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Provisions one session: reserve a VMID (recorded before cloning, so a crash cannot hide a VM), linked-clone,
 * start, wait until the guest answers on its port, create the Guacamole connection, activate. Each step is one
 * Proxmox action whose outcome is recorded on the session; waits and retries are persistent deadlines, so a
 * restart resumes where it stopped and no thread sleeps. Every action is safe to repeat after a redelivery.
 */
@Saga
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public class ProvisioningSaga extends VmSaga {
    private static final Logger log = LoggerFactory.getLogger(ProvisioningSaga.class);
    private static final int MAX_VMID_RACES = 5;

    enum Step { RESERVE, CLONE, AWAIT_CLONE, START, AWAIT_START, AWAIT_BOOT, CONNECT, DONE }


    private SessionId sessionId;
    private String node;
    private int templateVmid;
    private Protocol protocol;
    private Integer vmid;
    private String guestAddress;
    private Step step;
    private String upid;
    private PollClock poll;
    private int vmidRaces;

    @StartSaga
    @SagaEventHandler(associationProperty = "sessionId")
    void on(SessionRequested event) {
        sessionId = event.sessionId();
        node = event.node().value();
        templateVmid = event.template().proxmoxVmid();
        protocol = event.template().protocol();
        step = Step.RESERVE;
        advance();
    }

    @SagaEventHandler(associationProperty = "sessionId")
    void on(VmIdReserved event) {
        vmid = event.vmid();
        step = Step.CLONE;
        advance();
    }

    @SagaEventHandler(associationProperty = "sessionId")
    void on(VmCloned event) {
        step = Step.START;
        advance();
    }

    @SagaEventHandler(associationProperty = "sessionId")
    void on(VmBooted event) {
        guestAddress = event.guestAddress();
        step = Step.CONNECT;
        advance();
    }

    @EndSaga
    @SagaEventHandler(associationProperty = "sessionId")
    void on(SessionActivated event) {
        step = Step.DONE;
    }

    @EndSaga
    @SagaEventHandler(associationProperty = "sessionId")
    void on(SessionFailed event) {
        step = Step.DONE;
    }

    /** Ended while provisioning: teardown takes over whatever exists; nothing more is built. */
    @EndSaga
    @SagaEventHandler(associationProperty = "sessionId")
    void on(SessionEnding event) {
        step = Step.DONE;
    }

    @Override
    void runStep() {
        switch (step) {
            case RESERVE -> reserve();
            case CLONE -> cloneVm();
            case AWAIT_CLONE -> awaitTask(() -> commands.send(new RecordVmCloned(sessionId, vmid)), Step.CLONE);
            case START -> startVm();
            case AWAIT_START -> awaitTask(this::beginBootWait, Step.START);
            case AWAIT_BOOT -> awaitBoot();
            case CONNECT -> connect();
            case DONE -> { }
        }
    }

    private void reserve() {
        commands.send(new ReserveVmId(sessionId, vm.nextVmId()));
    }

    private void cloneVm() {
        String task;
        try {
            task = vm.cloneOrFindOurs(node, templateVmid, vmid, sessionId.vmName(), "Vigil session " + sessionId);
        } catch (io.vigil.command.proxmox.ProxmoxException e) {
            if (e.kind() == io.vigil.command.proxmox.ProxmoxException.Kind.VMID_TAKEN && ++vmidRaces <= MAX_VMID_RACES) {
                // another clone took the id between nextid and clone: reserve a fresh one
                step = Step.RESERVE;
                reserve();
                return;
            }
            throw e;
        }
        if (task == null) {
            commands.send(new RecordVmCloned(sessionId, vmid));
            return;
        }
        waitFor(task, Step.AWAIT_CLONE);
    }

    private void startVm() {
        waitFor(vm.start(node, vmid), Step.AWAIT_START);
    }

    private void waitFor(String task, Step awaiting) {
        upid = task;
        step = awaiting;
        poll = PollClock.start(now(), properties.pollInitial());
        advance();
    }

    private void awaitTask(Runnable onSuccess, Step retryFrom) {
        TaskStatus status = vm.task(node, upid);
        if (!status.finished()) {
            pollLater("Proxmox task " + upid + " still running");
            return;
        }
        if (status.succeeded() || (retryFrom == Step.START && status.exitStatus() != null
                && status.exitStatus().contains("already running"))) {
            onSuccess.run();
            return;
        }
        step = retryFrom;
        throw new StepFailure.TaskFailed("Proxmox task failed: " + status.exitStatus());
    }

    private void beginBootWait() {
        step = Step.AWAIT_BOOT;
        poll = PollClock.start(now(), properties.pollInitial());
        awaitBoot();
    }

    private void awaitBoot() {
        Optional<String> status = vm.vmStatus(node, vmid);
        if (status.isEmpty()) {
            throw new IllegalStateException("VM " + vmid + " disappeared from " + node);
        }
        if (!"running".equals(status.get())) {
            pollLater("VM " + vmid + " is " + status.get());
            return;
        }
        Optional<String> address = vm.answeringGuest(node, vmid, protocol);
        if (address.isEmpty()) {
            pollLater("guest of VM " + vmid + " does not answer on its " + protocol.wireName() + " port yet");
            return;
        }
        commands.send(new RecordVmBooted(sessionId, address.get()));
    }

    private void connect() {
        String connectionId = vm.connectGuest(sessionId.vmName(), protocol, guestAddress);
        commands.send(new ActivateSession(sessionId, connectionId, vm.clientUrl(connectionId)));
    }

    private void pollLater(String what) {
        poll = poll.lookAgainLater(deadlines, POLL, now(), properties.waitLimit(), properties.pollMax(), what);
    }

    @Override
    void failed(RuntimeException e) {
        String reason = StepFailure.reason(e);
        if (e instanceof StepFailure.TimedOut && step == Step.AWAIT_BOOT) {
            poll = PollClock.start(now(), properties.pollInitial());
        }
        Duration wait = StepFailure.isTransient(e) ? retryLater() : null;
        if (wait == null) {
            log.warn("Provisioning of session {} failed for good at {}: {}", sessionId, step, reason);
            commands.send(new FailSession(sessionId, reason));
            return;
        }
        if (step == Step.AWAIT_CLONE) {
            step = Step.CLONE;
        } else if (step == Step.AWAIT_START) {
            step = Step.START;
        }
        log.info("Provisioning of session {} hit '{}' at {}; retry {} in {}", sessionId, reason, step, failures, wait);
        commands.send(new ScheduleProvisioningRetry(sessionId, failures, reason, now().plus(wait)));
    }

    private Instant now() {
        return clock.instant();
    }
}

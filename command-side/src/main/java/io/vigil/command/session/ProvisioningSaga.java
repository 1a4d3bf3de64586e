package io.vigil.command.session;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import io.vigil.command.proxmox.ProxmoxException;
import io.vigil.command.proxmox.TaskStatus;
import io.vigil.core.session.ActivateSession;
import io.vigil.core.session.FailSession;
import io.vigil.core.session.FailureCode;
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
import java.util.Optional;
import java.util.Set;
import org.axonframework.modelling.saga.SagaEventHandler;
import org.axonframework.modelling.saga.StartSaga;
import org.axonframework.spring.stereotype.Saga;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Provisions one session: reserve a VMID (recorded before cloning, so a crash cannot hide a VM), linked-clone on
 * the template's node with the chosen node as target, start, wait until the guest answers on its port, create the
 * Guacamole connection, activate. A session started from a kept VM skips the clone: the VM is renamed for the
 * session and started. Each step is one Proxmox action whose outcome is recorded on the session; waits and retries
 * are persistent deadlines, so a restart resumes where it stopped and no thread sleeps.
 * <p>
 * The saga owns the VM until the session is active or failed. If the session ends first, the saga stops at once
 * and hands the VM to teardown with the task it may have running (a clone in progress is ours too).
 */
@Saga
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public class ProvisioningSaga extends VmSaga {
    private static final Logger log = LoggerFactory.getLogger(ProvisioningSaga.class);
    private static final int MAX_VMID_RACES = 5;

    enum Step { RESERVE, CLONE, AWAIT_CLONE, RENAME, START, AWAIT_START, AWAIT_BOOT, CONNECT, DONE }

    private SessionId sessionId;
    private String node;
    private String templateNode;
    private int templateVmid;
    private Protocol protocol;
    private Integer vmid;
    private String keptVmId;
    private String guestAddress;
    private Step step;
    private String upid;
    private int vmidRaces;

    @StartSaga
    @SagaEventHandler(associationProperty = "sessionId")
    void on(SessionRequested event) {
        sessionId = event.sessionId();
        node = event.node().value();
        templateNode = event.templateNode() != null ? event.templateNode().value() : node;
        templateVmid = event.template().proxmoxVmid();
        protocol = event.template().protocol();
        if (event.source() != null) {
            keptVmId = event.source().keptVmId();
            vmid = event.source().vmid();
            step = Step.RENAME;
        } else {
            step = Step.RESERVE;
        }
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

    @SagaEventHandler(associationProperty = "sessionId")
    void on(SessionActivated event) {
        finish();
    }

    @SagaEventHandler(associationProperty = "sessionId")
    void on(SessionFailed event) {
        finish();
    }

    /** Ended while provisioning: nothing more is built, and teardown gets the VM with the task that may still run. */
    @SagaEventHandler(associationProperty = "sessionId")
    void on(SessionEnding event) {
        boolean taskRuns = step == Step.AWAIT_CLONE || step == Step.AWAIT_START;
        handOver(sessionId, step == Step.DONE, taskRuns ? upid : null);
    }

    @Override
    void runStep() {
        switch (step) {
            case RESERVE -> send(new ReserveVmId(sessionId, vm.nextVmId()));
            case CLONE -> cloneVm();
            case AWAIT_CLONE -> awaitClone();
            case RENAME -> renameKeptVm();
            case START -> waitFor(vm.start(node, vmid), Step.AWAIT_START);
            case AWAIT_START -> awaitStart();
            case AWAIT_BOOT -> awaitBoot();
            case CONNECT -> connect();
            case DONE -> { }
        }
    }

    private void cloneVm() {
        String task;
        try {
            task = vm.cloneOrFindOurs(templateNode(), templateVmid, vmid, sessionId.vmName(), "Vigil session " + sessionId, node);
        } catch (ProxmoxException e) {
            if (e.kind() == ProxmoxException.Kind.VMID_TAKEN && reserveAnother()) {
                return;
            }
            throw e;
        }
        if (task == null) {
            // ours already: a repeat after a crash; the clone may still run, which the start's own lock wait covers
            send(new RecordVmCloned(sessionId, vmid));
            return;
        }
        waitFor(task, Step.AWAIT_CLONE);
    }

    /** Where the template lives; a saga an older version stored knows only the session's node, where it cloned. */
    String templateNode() {
        return templateNode != null ? templateNode : node;
    }

    /** Another clone took the id between the free-check and the clone (pmxcfs refuses it at the end): a fresh one. */
    private boolean reserveAnother() {
        if (++vmidRaces > MAX_VMID_RACES) {
            return false;
        }
        step = Step.RESERVE;
        advance();
        return true;
    }

    private void awaitClone() {
        TaskStatus status = vm.task(upid);
        if (!status.finished()) {
            pollLater("Proxmox task " + upid, properties.waitLimit(), properties.pollMax());
            return;
        }
        if (status.succeeded()) {
            send(new RecordVmCloned(sessionId, vmid));
            return;
        }
        step = Step.CLONE;
        String exit = String.valueOf(status.exitStatus());
        if ((exit.contains("File exists") || exit.contains("already exists")) && reserveAnother()) {
            return;
        }
        throw new StepFailure.TaskFailed("Proxmox clone task failed: " + exit);
    }

    /** A kept VM takes the session's name (so teardown and the reconciler know whose it is now), then starts. */
    private void renameKeptVm() {
        VmOperations.FoundVm kept = vm.find(vmid).filter(v -> v.ours(Set.of(keptVmId, sessionId.vmName())))
                .orElseThrow(() -> new StepFailure.Gone("Kept VM " + keptVmId + " (VMID " + vmid + ") is gone"));
        node = kept.node();
        if (!sessionId.vmName().equals(kept.name())) {
            vm.rename(kept.node(), vmid, sessionId.vmName());
        }
        send(new RecordVmCloned(sessionId, vmid));
    }

    private void waitFor(String task, Step awaiting) {
        upid = task;
        step = awaiting;
        startPolling();
        advance();
    }

    private void awaitStart() {
        TaskStatus status = vm.task(upid);
        if (!status.finished()) {
            pollLater("Proxmox task " + upid, properties.waitLimit(), properties.pollMax());
            return;
        }
        if (status.succeeded() || String.valueOf(status.exitStatus()).contains("already running")) {
            step = Step.AWAIT_BOOT;
            startPolling();
            awaitBoot();
            return;
        }
        step = Step.START;
        throw new StepFailure.TaskFailed("Proxmox start task failed: " + status.exitStatus());
    }

    private void awaitBoot() {
        String status = vm.status(node, vmid).map(s -> s.status())
                .orElseThrow(() -> new StepFailure.Gone("VM " + vmid + " disappeared from " + node));
        if (!"running".equals(status)) {
            pollLater("VM " + vmid + " to run (it is " + status + ")", properties.waitLimit(), properties.pollMax());
            return;
        }
        Optional<String> address = vm.answeringGuest(node, vmid, protocol);
        if (address.isEmpty()) {
            pollLater("the guest of VM " + vmid + " to answer on its " + protocol.wireName() + " port",
                    properties.waitLimit(), properties.pollMax());
            return;
        }
        send(new RecordVmBooted(sessionId, address.get()));
    }

    private void connect() {
        String connectionId = vm.connectGuest(sessionId.vmName(), protocol, guestAddress);
        send(new ActivateSession(sessionId, connectionId, vm.clientUrl(connectionId)));
    }

    /**
     * What the engineer is told when provisioning fails at {@code step} with {@code e}: what the step was doing,
     * unless the failure says more (the VM vanished, the cluster unreachable, no memory to start). Only the code's
     * sentence reaches engineers; the diagnostic (VMIDs, tasks, nodes, Proxmox's words) stays with admins.
     */
    static FailureCode failureCode(Step step, RuntimeException e) {
        return StepFailure.code(e, stepCode(step));
    }

    private static FailureCode stepCode(Step step) {
        return switch (step) {
            case RESERVE, CLONE, AWAIT_CLONE -> FailureCode.CLONE_FAILED;
            case RENAME, START, AWAIT_START -> FailureCode.START_FAILED;
            case AWAIT_BOOT -> FailureCode.GUEST_NOT_ANSWERING;
            case CONNECT -> FailureCode.CONNECTION_FAILED;
            case DONE -> FailureCode.INTERNAL;
        };
    }

    @Override
    void failed(RuntimeException e) {
        String reason = StepFailure.reason(e);
        FailureCode code = failureCode(step, e);
        if (step == Step.AWAIT_CLONE) {
            step = Step.CLONE;
        } else if (step == Step.AWAIT_START) {
            step = Step.START;
        } else if (step == Step.AWAIT_BOOT && e instanceof StepFailure.TimedOut) {
            startPolling();
        }
        Duration wait = StepFailure.isTransient(e) ? retryLater() : null;
        if (wait == null) {
            log.warn("Provisioning of session {} failed for good at {}: {}", sessionId, step, reason);
            send(new FailSession(sessionId, code, reason));
            step = Step.DONE;
            return;
        }
        log.info("Provisioning of session {} hit '{}' at {}; retry {} in {}", sessionId, reason, step, failures, wait);
        send(new ScheduleProvisioningRetry(sessionId, failures, reason, now().plus(wait)));
    }
}

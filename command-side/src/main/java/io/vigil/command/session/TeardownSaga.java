package io.vigil.command.session;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonCreator;
import io.vigil.command.KeptVmProperties;
import io.vigil.command.proxmox.ProxmoxException;
import io.vigil.command.proxmox.TaskStatus;
import io.vigil.command.session.VmOperations.Removal;
import io.vigil.core.UserId;
import io.vigil.core.keptvm.KeepVm;
import io.vigil.core.keptvm.KeptVmId;
import io.vigil.core.keptvm.RecordKeptVmDeleted;
import io.vigil.core.keptvm.ReturnKeptVm;
import io.vigil.core.node.NodeName;
import io.vigil.core.session.AbandonConnection;
import io.vigil.core.session.AbandonVm;
import io.vigil.core.session.RecordVmDestroyed;
import io.vigil.core.session.RaiseAdminAlert;
import io.vigil.core.session.RecordVmKept;
import io.vigil.core.session.SessionId;
import io.vigil.core.session.TeardownStarted;
import io.vigil.core.session.VmDestroyed;
import io.vigil.core.template.TemplateId;
import io.vigil.core.template.TemplateSpec;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.axonframework.modelling.saga.SagaEventHandler;
import org.axonframework.modelling.saga.StartSaga;
import org.axonframework.spring.stereotype.Saga;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Removes what a session holds once it is over, as the only one acting on its VM ({@link TeardownStarted}): waits
 * for a task the previous owner left running (a clone, a start, a suspend), removes the Guacamole connection, then
 * brings the VM from whatever state it is in to gone: a clone in progress is waited for, a running VM is stopped
 * before it is destroyed, a hibernated one is destroyed as it is. A persistent session's VM is kept instead:
 * stopped and renamed {@code vigil-keep-<user>-<n>} for its owner.
 * <p>
 * Teardown never gives up silently: after its retries the VM is handed to the reconciler ({@link AbandonVm}), the
 * session is over all the same, and admins get an alert. A connection Guacamole would not remove is handed over
 * the same way ({@link AbandonConnection}, an alert) before teardown goes on with the VM: the connection is named
 * for the session, and the reconciler removes it once the session no longer holds it. A VM its owner keeps is
 * never handed over to be removed: admins are alerted and teardown goes on trying, at the longest back-off, until
 * Proxmox lets it keep the VM.
 */
@Saga
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public class TeardownSaga extends VmSaga {
    private static final Logger log = LoggerFactory.getLogger(TeardownSaga.class);

    enum Step {
        AWAIT_PENDING, DISCONNECT, ABANDON_CONNECTION, REMOVE, RECORD, DONE;

        /** Steps of the teardown an older version stored (stop, then delete) are all removal now. */
        @JsonCreator
        static Step of(String name) {
            return switch (name) {
                case "STOP", "AWAIT_STOP", "DELETE", "AWAIT_DELETE" -> REMOVE;
                default -> valueOf(name);
            };
        }
    }

    /** How the VM left: what {@link Step#RECORD} reports. */
    enum Outcome { REMOVED, KEPT, ABANDONED }

    @Autowired
    private transient KeptVmProperties keptVms;

    private SessionId sessionId;
    private String node;
    private Integer vmid;
    private String connectionId;
    /** Why the connection was given up (null while it was not): what {@link Step#ABANDON_CONNECTION} reports. */
    private String connectionProblem;
    private String pendingTask;
    private boolean keep;
    private String keptVmId;
    private String keepAs;
    private UserId owner;
    private TemplateId templateId;
    private TemplateSpec template;
    private Step step;
    private Outcome outcome;
    private String detail;
    private boolean keepAlerted;

    @StartSaga
    @SagaEventHandler(associationProperty = "sessionId")
    void on(TeardownStarted event) {
        sessionId = event.sessionId();
        node = event.node().value();
        vmid = event.vmid();
        connectionId = event.connectionId();
        pendingTask = event.pendingTask();
        keep = event.keep();
        keptVmId = event.keptVmId();
        owner = event.owner();
        templateId = event.templateId();
        template = event.template();
        step = pendingTask != null ? Step.AWAIT_PENDING : Step.DISCONNECT;
        startPolling();
        advance();
    }

    /**
     * A teardown an older version stored at its last step waits for this event to end (it sent its report and
     * ended on the VM's removal); this version's teardown has ended by then.
     */
    @SagaEventHandler(associationProperty = "sessionId")
    void on(VmDestroyed event) {
        if (step == Step.DONE) {
            finish();
        }
    }

    @Override
    void runStep() {
        switch (step) {
            case AWAIT_PENDING -> awaitPending();
            case DISCONNECT -> disconnect();
            case ABANDON_CONNECTION -> abandonConnection();
            case REMOVE -> remove();
            case RECORD -> record();
            case DONE -> { }
        }
    }

    /** The previous owner's task runs on: nothing else may be done to the VM until it ends, however it ends. */
    private void awaitPending() {
        TaskStatus status;
        try {
            status = vm.task(pendingTask);
        } catch (ProxmoxException e) {
            if (e.kind() != ProxmoxException.Kind.INVALID) {
                throw e;
            }
            status = new TaskStatus("stopped", "unknown task"); // Proxmox no longer knows it: it is over
        }
        if (!status.finished()) {
            pollLater("the task " + pendingTask + " the session's saga left running", properties.waitLimit(),
                    properties.pollMax());
            return;
        }
        next(Step.DISCONNECT);
    }

    /**
     * Without a recorded connection, one may still exist: made by a saga (provisioning, resume) that the end
     * overtook before it could report it. Connections are named for their session, so it is found by name, and
     * kept once found, so that a give-up can say which connection it left.
     */
    private void disconnect() {
        if (connectionId == null) {
            connectionId = vm.connectionNamed(sessionId.vmName()).orElse(null);
        }
        if (connectionId != null) {
            vm.disconnect(connectionId);
        }
        connectionId = null;
        toTheVm();
    }

    /**
     * The connection's give-up is on record (an event and an alert) before teardown goes on with the VM: like the
     * last report, this step is left only once the report is sent.
     */
    private void abandonConnection() {
        send(new AbandonConnection(sessionId, connectionId, connectionProblem));
        connectionId = null;
        toTheVm();
    }

    private void toTheVm() {
        if (vmid == null) {
            // nothing to remove; a kept VM the session used is gone (lost outside Vigil)
            finishWith(Outcome.REMOVED, "the VM is gone from the cluster");
            return;
        }
        next(Step.REMOVE);
    }

    private void remove() {
        if (keep && keepAs == null) {
            keepAs = keptVmId != null ? keptVmId : KeptVmId.forOwner(owner, vm.nextKeptVmNumber()).value();
        }
        Set<String> ours = new HashSet<>(Set.of(sessionId.vmName()));
        if (keptVmId != null) {
            ours.add(keptVmId);
        }
        Removal.Done done = removeOrWait(vmid, ours, keep ? keepAs : null);
        if (done == null) {
            return;
        }
        log.info("Teardown of session {}: VM {} {}", sessionId, vmid, done.how());
        finishWith(done.kept() ? Outcome.KEPT : Outcome.REMOVED, "the VM is gone: " + done.how());
    }

    private void finishWith(Outcome how, String why) {
        outcome = how;
        detail = why;
        next(Step.RECORD);
    }

    /** The last step: every report is idempotent, so after a failure the whole step is sent again. */
    private void record() {
        switch (outcome) {
            case KEPT -> recordKept();
            case REMOVED -> {
                if (keptVmId != null) {
                    send(new RecordKeptVmDeleted(new KeptVmId(keptVmId), detail));
                }
                send(new RecordVmDestroyed(sessionId));
            }
            case ABANDONED -> {
                if (keptVmId != null) {
                    send(new RecordKeptVmDeleted(new KeptVmId(keptVmId),
                            "teardown of session " + sessionId + " gave up: " + detail));
                }
                send(new AbandonVm(sessionId, detail));
            }
        }
        step = Step.DONE;
        finish();
    }

    private void recordKept() {
        var retainUntil = now().plus(keptVms.retention());
        if (keptVmId != null) {
            send(new ReturnKeptVm(new KeptVmId(keptVmId), sessionId, retainUntil));
        } else {
            String keptOn = vm.locate(vmid).map(v -> v.node()).orElse(node);
            send(new KeepVm(new KeptVmId(keepAs), owner, templateId, template, new NodeName(keptOn), vmid, sessionId,
                    now(), retainUntil));
        }
        send(new RecordVmKept(sessionId, keepAs));
    }

    private void next(Step nextStep) {
        step = nextStep;
        startPolling();
        advance();
    }

    @Override
    void failed(RuntimeException e) {
        String reason = StepFailure.reason(e);
        if (step == Step.AWAIT_PENDING) {
            // the previous task could not be followed: go on, every later step looks at Proxmox's state first
            log.info("Teardown of session {}: could not follow task {} ({}); going on", sessionId, pendingTask, reason);
            next(Step.DISCONNECT);
            return;
        }
        if (step == Step.RECORD) {
            Duration wait = retryAtLongest();
            log.warn("Teardown of session {} could not record that the VM is {}: {}; again in {}", sessionId,
                    outcome.name().toLowerCase(java.util.Locale.ROOT), reason, wait);
            return;
        }
        if (step == Step.ABANDON_CONNECTION) {
            Duration wait = retryAtLongest();
            log.warn("Teardown of session {} could not record that its connection is left to the reconciler: {};"
                    + " again in {}", sessionId, reason, wait);
            return;
        }
        Duration wait = retryLater();
        if (wait != null) {
            log.info("Teardown of session {} hit '{}' at {}; retry {} in {}", sessionId, reason, step, failures, wait);
            return;
        }
        if (step == Step.DISCONNECT) {
            log.error("Teardown of session {} gives Guacamole connection {} to the reconciler: {}", sessionId,
                    connectionId != null ? connectionId : sessionId.vmName(), reason);
            failures = 0;
            connectionProblem = reason;
            next(Step.ABANDON_CONNECTION);
            return;
        }
        if (keep) {
            keepTrying(reason);
            return;
        }
        log.error("Teardown of session {} gives VM {} on {} to the reconciler: {}", sessionId, vmid, node, reason);
        finishWith(Outcome.ABANDONED, reason);
    }

    /** The owner's VM is never handed over to be removed: admins are told once, and teardown goes on trying. */
    private void keepTrying(String reason) {
        Duration wait = retryAtLongest();
        log.error("Teardown of session {} cannot keep VM {} on {} yet: {}; again every {}", sessionId, vmid, node,
                reason, wait);
        if (!keepAlerted) {
            send(new RaiseAdminAlert(sessionId, "VM " + vmid + " on " + node + " of persistent session " + sessionId
                    + " could not be kept for its owner after " + failures + " retries: " + reason
                    + ". Teardown tries again every " + wait.toSeconds() + " s; the VM is not removed."));
            keepAlerted = true;
        }
    }
}

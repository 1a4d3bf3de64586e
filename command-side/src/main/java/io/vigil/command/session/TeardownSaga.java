package io.vigil.command.session;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import io.vigil.command.proxmox.TaskStatus;
import io.vigil.core.node.NodeName;
import io.vigil.core.session.RaiseAdminAlert;
import io.vigil.core.session.RecordVmDestroyed;
import io.vigil.core.session.SessionEnding;
import io.vigil.core.session.SessionFailed;
import io.vigil.core.session.SessionId;
import io.vigil.core.session.VmDestroyed;
import java.time.Duration;
import java.util.Optional;
import org.axonframework.modelling.saga.EndSaga;
import org.axonframework.modelling.saga.SagaEventHandler;
import org.axonframework.modelling.saga.SagaLifecycle;
import org.axonframework.modelling.saga.StartSaga;
import org.axonframework.spring.stereotype.Saga;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes what a session holds once it is over (ended, expired, or failed half-way): the Guacamole connection,
 * then the VM (stopped, then destroyed with its disks). A VM that is already gone counts as removed, so a
 * repeated step is harmless. If Proxmox keeps refusing, admins get an alert naming the VM.
 */
@Saga
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public class TeardownSaga extends VmSaga {
    private static final Logger log = LoggerFactory.getLogger(TeardownSaga.class);

    enum Step { DISCONNECT, STOP, AWAIT_STOP, DELETE, AWAIT_DELETE, DONE }


    private SessionId sessionId;
    private String node;
    private Integer vmid;
    private String connectionId;
    private Step step;
    private String upid;
    private PollClock poll;

    @StartSaga
    @SagaEventHandler(associationProperty = "sessionId")
    void on(SessionEnding event) {
        begin(event.sessionId(), event.node(), event.vmid(), event.connectionId());
    }

    @StartSaga
    @SagaEventHandler(associationProperty = "sessionId")
    void on(SessionFailed event) {
        begin(event.sessionId(), event.node(), event.vmid(), event.connectionId());
    }

    @EndSaga
    @SagaEventHandler(associationProperty = "sessionId")
    void on(VmDestroyed event) {
        step = Step.DONE;
    }

    private void begin(SessionId id, NodeName onNode, Integer vmId, String connection) {
        sessionId = id;
        node = onNode.value();
        vmid = vmId;
        connectionId = connection;
        if (vmid == null && connectionId == null) {
            SagaLifecycle.end();
            return;
        }
        step = Step.DISCONNECT;
        advance();
    }

    @Override
    void runStep() {
        switch (step) {
            case DISCONNECT -> disconnect();
            case STOP -> stop();
            case AWAIT_STOP -> awaitTask(Step.DELETE, Step.STOP);
            case DELETE -> delete();
            case AWAIT_DELETE -> awaitTask(Step.DONE, Step.DELETE);
            case DONE -> { }
        }
    }

    private void disconnect() {
        // Without a recorded connection, one may still exist: made by a saga (provisioning, resume) that the end
        // overtook before it could report it. Connections are named for their session, so it is found by name.
        String connection = connectionId != null ? connectionId : vm.connectionNamed(sessionId.vmName()).orElse(null);
        if (connection != null) {
            vm.disconnect(connection);
        }
        next(vmid == null ? Step.DONE : Step.STOP);
    }

    private void stop() {
        Optional<String> status = vm.ownVmStatus(node, vmid, sessionId.vmName());
        if (status.isEmpty()) {
            next(Step.DONE);
        } else if ("running".equals(status.get())) {
            waitFor(vm.stop(node, vmid), Step.AWAIT_STOP);
        } else {
            next(Step.DELETE);
        }
    }

    private void delete() {
        if (vm.ownVmStatus(node, vmid, sessionId.vmName()).isEmpty()) {
            next(Step.DONE);
            return;
        }
        waitFor(vm.delete(node, vmid), Step.AWAIT_DELETE);
    }

    private void waitFor(String task, Step awaiting) {
        upid = task;
        step = awaiting;
        poll = PollClock.start(clock.instant(), properties.pollInitial());
        advance();
    }

    private void awaitTask(Step onSuccess, Step retryFrom) {
        TaskStatus status = vm.task(node, upid);
        if (!status.finished()) {
            poll = poll.lookAgainLater(deadlines, POLL, clock.instant(), properties.waitLimit(), properties.pollMax(),
                    "Proxmox task " + upid + " to finish");
            return;
        }
        if (!status.succeeded()) {
            step = retryFrom;
            throw new StepFailure.TaskFailed("Proxmox task failed: " + status.exitStatus());
        }
        next(onSuccess);
    }

    private void next(Step nextStep) {
        step = nextStep;
        if (step == Step.DONE) {
            if (vmid != null) {
                commands.send(new RecordVmDestroyed(sessionId));
            } else {
                SagaLifecycle.end();
            }
            return;
        }
        advance();
    }

    @Override
    void failed(RuntimeException e) {
        String reason = StepFailure.reason(e);
        if (step == Step.AWAIT_STOP) {
            step = Step.STOP;
        } else if (step == Step.AWAIT_DELETE) {
            step = Step.DELETE;
        }
        Duration wait = retryLater();
        if (wait == null) {
            log.error("Could not remove VM {} on {} for session {}: {}", vmid, node, sessionId, reason);
            commands.send(new RaiseAdminAlert(sessionId, "VM " + vmid + " on " + node
                    + " could not be removed after " + failures + " retries: " + reason));
            SagaLifecycle.end();
            return;
        }
        log.info("Teardown of session {} hit '{}' at {}; retry {} in {}", sessionId, reason, step, failures, wait);
    }
}

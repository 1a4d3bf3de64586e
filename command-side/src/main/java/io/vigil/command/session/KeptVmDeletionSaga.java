package io.vigil.command.session;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import io.vigil.command.session.VmOperations.Removal;
import io.vigil.core.keptvm.KeptVmDeletionRequested;
import io.vigil.core.keptvm.KeptVmId;
import io.vigil.core.keptvm.RecordKeptVmDeleted;
import java.time.Duration;
import java.util.Set;
import org.axonframework.modelling.saga.SagaEventHandler;
import org.axonframework.modelling.saga.StartSaga;
import org.axonframework.spring.stereotype.Saga;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes a kept VM its owner no longer wants (or whose retention ended): stopped if it runs, then destroyed, as
 * teardown does. If Proxmox keeps refusing, the VM is recorded as no longer kept with the failure, and the
 * reconciler removes it (nobody holds it any more); admins see the failure.
 */
@Saga
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public class KeptVmDeletionSaga extends VmSaga {
    private static final Logger log = LoggerFactory.getLogger(KeptVmDeletionSaga.class);

    private KeptVmId keptVmId;
    private int vmid;
    private boolean done;

    @StartSaga
    @SagaEventHandler(associationProperty = "keptVmId")
    void on(KeptVmDeletionRequested event) {
        keptVmId = event.keptVmId();
        vmid = event.vmid();
        startPolling();
        advance();
    }

    @Override
    void runStep() {
        if (done) {
            return;
        }
        Removal.Done removed = removeOrWait(vmid, Set.of(keptVmId.value()), null);
        if (removed == null) {
            return;
        }
        log.info("Kept VM {} (VMID {}) {}", keptVmId, vmid, removed.how());
        record(null);
    }

    /** Sent again by the next retry if it fails (the report is idempotent). */
    private void record(String failure) {
        send(new RecordKeptVmDeleted(keptVmId, failure));
        done = true;
        finish();
    }

    @Override
    void failed(RuntimeException e) {
        String reason = StepFailure.reason(e);
        Duration wait = retryLater();
        if (wait != null) {
            log.info("Deleting kept VM {} hit '{}'; retry {} in {}", keptVmId, reason, failures, wait);
            return;
        }
        log.error("Deleting kept VM {} (VMID {}) gave up; the reconciler removes it: {}", keptVmId, vmid, reason);
        record(reason);
    }
}

package io.vigil.core.reconcile;

import java.time.Instant;
import java.util.List;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.Test;

class ReconciliationTest {

    @Test
    void each_removal_is_its_own_event_before_the_whole_report() {
        Finding vm = new Finding(Finding.VM, "vigil-01jd0000000000000000000001", null, "pve-2", 10001, Finding.REMOVED,
                "no live session or kept VM holds VMID 10001");
        Finding failed = new Finding(Finding.VM, "vigil-01jd0000000000000000000002", null, "pve-3", 10002,
                Finding.REMOVE_FAILED, "VM is locked (backup)");
        Finding connection = new Finding(Finding.CONNECTION, "vigil-01jd0000000000000000000001", "17", null, null,
                Finding.REMOVED, "no live session holds a connection named vigil-01jd0000000000000000000001");
        ReconciliationReport report = new ReconciliationReport("run-1", "admin:root", Instant.EPOCH,
                Instant.EPOCH.plusSeconds(2), 5, 3, List.of(vm, failed, connection), List.of());

        new AggregateTestFixture<>(Reconciliation.class).givenNoPriorActivity()
                .when(new RecordReconciliation("run-1", report))
                .expectEvents(new OrphanVmRemoved("run-1", "pve-2", 10001, vm.name(), vm.detail()),
                        new OrphanConnectionRemoved("run-1", "17", connection.name(), connection.detail()),
                        new ReconciliationCompleted("run-1", report));
    }
}

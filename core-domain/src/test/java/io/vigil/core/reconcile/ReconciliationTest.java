package io.vigil.core.reconcile;

import java.time.Instant;
import java.util.List;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.Test;

class ReconciliationTest {
    private static final Finding VM = new Finding(Finding.VM, "vigil-01jd0000000000000000000001", null, "pve-2", 10001,
            Finding.REMOVED, "no live session or kept VM holds VMID 10001");
    private static final Finding FAILED = new Finding(Finding.VM, "vigil-01jd0000000000000000000002", null, "pve-3",
            10002, Finding.REMOVE_FAILED, "VM is locked (backup)");
    private static final Finding CONNECTION = new Finding(Finding.CONNECTION, "vigil-01jd0000000000000000000001", "17",
            null, null, Finding.REMOVED, "no live session holds a connection named vigil-01jd0000000000000000000001");

    private final AggregateTestFixture<Reconciliation> fixture = new AggregateTestFixture<>(Reconciliation.class);

    @Test
    void each_removal_is_recorded_the_moment_it_is_done() {
        fixture.givenNoPriorActivity()
                .when(new RecordOrphanRemoved("run-1", VM))
                .expectEvents(new OrphanVmRemoved("run-1", "pve-2", 10001, VM.name(), VM.detail()));
        fixture.given(new OrphanVmRemoved("run-1", "pve-2", 10001, VM.name(), VM.detail()))
                .when(new RecordOrphanRemoved("run-1", CONNECTION))
                .expectEvents(new OrphanConnectionRemoved("run-1", "17", CONNECTION.name(), CONNECTION.detail()));
    }

    @Test
    void only_removals_are_recorded_one_by_one() {
        fixture.givenNoPriorActivity()
                .when(new RecordOrphanRemoved("run-1", FAILED))
                .expectNoEvents();
    }

    @Test
    void the_report_completes_the_run_after_its_removals_or_alone() {
        ReconciliationReport report = new ReconciliationReport("run-1", "admin:root", Instant.EPOCH,
                Instant.EPOCH.plusSeconds(2), 5, 3, List.of(VM, FAILED, CONNECTION), List.of());
        fixture.given(new OrphanVmRemoved("run-1", "pve-2", 10001, VM.name(), VM.detail()))
                .when(new RecordReconciliation("run-1", report))
                .expectEvents(new ReconciliationCompleted("run-1", report));
        fixture.givenNoPriorActivity()
                .when(new RecordReconciliation("run-1", report))
                .expectEvents(new ReconciliationCompleted("run-1", report));
        fixture.given(new ReconciliationCompleted("run-1", report))
                .when(new RecordReconciliation("run-1", report))
                .expectNoEvents();
    }
}

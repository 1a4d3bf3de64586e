package io.vigil.query.keptvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.core.UserId;
import io.vigil.core.keptvm.DeletionReason;
import io.vigil.core.keptvm.KeptVmDeleted;
import io.vigil.core.keptvm.KeptVmDeletionRequested;
import io.vigil.core.keptvm.KeptVmId;
import io.vigil.core.keptvm.KeptVmTaken;
import io.vigil.core.keptvm.VmKept;
import io.vigil.core.node.NodeName;
import io.vigil.core.reconcile.Finding;
import io.vigil.core.reconcile.ReconciliationCompleted;
import io.vigil.core.reconcile.ReconciliationReport;
import io.vigil.core.session.SessionId;
import io.vigil.core.template.TemplateId;
import io.vigil.platform.security.Role;
import io.vigil.query.QuerySideIntegrationTest;
import io.vigil.query.SessionStory;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.junit.jupiter.api.Test;

/** Kept VMs as their owners and admins read them, and the reconciler's reports as admins read them. */
class KeptVmApiTest extends QuerySideIntegrationTest {
    static final NodeName NODE = new NodeName("pve-2");

    private static GenericDomainEventMessage<?> event(KeptVmId id, long seq, Object payload) {
        return new GenericDomainEventMessage<>("KeptVm", id.value(), seq, payload);
    }

    private static VmKept kept(KeptVmId id, String owner, int vmid) {
        return new VmKept(id, new UserId(owner), new TemplateId("ubuntu-22-04"), SessionStory.UBUNTU, NODE, vmid,
                SessionId.generate(), Instant.now(), Instant.now().plusSeconds(14 * 86_400), "d");
    }

    @Test
    void owners_see_their_kept_vms_without_vmids_and_admins_see_everyones() {
        KeptVmId first = new KeptVmId("vigil-keep-lena-1");
        KeptVmId second = new KeptVmId("vigil-keep-lena-2");
        KeptVmId other = new KeptVmId("vigil-keep-mo-3");
        KeptVmId gone = new KeptVmId("vigil-keep-lena-4");
        SessionId using = SessionId.generate();
        publish(event(first, 0, kept(first, "lena", 20001)), event(second, 0, kept(second, "lena", 20002)),
                event(second, 1, new KeptVmTaken(second, using)), event(other, 0, kept(other, "mo", 20003)),
                event(gone, 0, kept(gone, "lena", 20004)),
                event(gone, 1, new KeptVmDeletionRequested(gone, new UserId("lena"), NODE, 20004, DeletionReason.REQUESTED)),
                event(gone, 2, new KeptVmDeleted(gone, new UserId("lena"), NODE, 20004, null)));
        String lena = token("lena", Role.ENGINEER);
        await().atMost(PROJECTED_WITHIN).until(() -> getArray("/api/v1/vms", lena).size() == 2
                && "in_use".equals(getArray("/api/v1/vms", lena).stream().filter(v -> v.get("id").equals(second.value()))
                .findFirst().map(v -> v.get("status")).orElse(null)));

        List<Map<String, Object>> mine = getArray("/api/v1/vms", lena);
        assertThat(mine).extracting(v -> v.get("id")).containsExactlyInAnyOrder(first.value(), second.value());
        assertThat(mine).allSatisfy(v -> assertThat(v).doesNotContainKey("vmid").containsKeys("template", "node_name",
                "kept_at", "retained_until", "status"));
        assertThat(mine.toString()).doesNotContain("2000");
        List<Map<String, Object>> all = getArray("/api/v1/admin/vms", token("root", Role.ADMIN));
        assertThat(all).extracting(v -> v.get("id")).contains(first.value(), second.value(), other.value(), gone.value());
        assertThat(all).filteredOn(v -> v.get("id").equals(other.value())).singleElement()
                .satisfies(v -> assertThat(v).containsEntry("vmid", 20003).containsEntry("owner", "mo"));
        assertThat(errorCode(get("/api/v1/admin/vms", lena), 403)).isEqualTo("forbidden");
    }

    @Test
    void admins_read_the_reconcilers_reports_newest_first() {
        Instant t = Instant.parse("2026-12-01T10:00:00Z");
        Finding removed = new Finding(Finding.VM, "vigil-x", null, "pve-2", 10001, Finding.REMOVED, "no live session");
        publish(GenericEventMessage.asEventMessage(new ReconciliationCompleted("run-a",
                        new ReconciliationReport("run-a", "scheduled", t, t.plusSeconds(1), 3, 0, List.of(removed), List.of()))),
                GenericEventMessage.asEventMessage(new ReconciliationCompleted("run-b",
                        new ReconciliationReport("run-b", "admin:root", t.plusSeconds(60), t.plusSeconds(61), 2, 0, List.of(),
                                List.of()))));
        String admin = token("root", Role.ADMIN);
        await().atMost(PROJECTED_WITHIN).until(() -> getArray("/api/v1/admin/reconciliations", admin).size() == 2);

        List<Map<String, Object>> runs = getArray("/api/v1/admin/reconciliations", admin);
        assertThat(runs).extracting(r -> r.get("run_id")).containsExactly("run-b", "run-a");
        assertThat(runs.get(1)).containsEntry("vms_seen", 3).containsEntry("trigger", "scheduled");
        assertThat(runs.get(1).get("findings").toString()).contains("vigil-x", "removed");
    }
}

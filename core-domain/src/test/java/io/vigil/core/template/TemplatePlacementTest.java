package io.vigil.core.template;

import io.vigil.core.node.NodeName;
import java.util.List;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.Test;

class TemplatePlacementTest {
    static final TemplateId ID = new TemplateId("ubuntu-22-04");
    static final TemplateSpec SPEC = new TemplateSpec("Ubuntu 22.04", OsType.LINUX, Protocol.SSH, 9001, 2, 4096, 32, List.of(), true);

    @Test
    void where_a_template_lives_is_recorded_only_when_it_changed() {
        AggregateTestFixture<Template> fixture = new AggregateTestFixture<>(Template.class);
        TemplatePlaced onPve1 = new TemplatePlaced(ID, new NodeName("pve-1"), true, List.of("ceph-vm"), null);
        fixture.given(new TemplateRegistered(ID, SPEC))
                .when(new RecordTemplatePlacement(ID, new NodeName("pve-1"), true, List.of("ceph-vm"), null))
                .expectEvents(onPve1);
        fixture.given(new TemplateRegistered(ID, SPEC), onPve1)
                .when(new RecordTemplatePlacement(ID, new NodeName("pve-1"), true, List.of("ceph-vm"), null))
                .expectNoEvents();
        fixture.given(new TemplateRegistered(ID, SPEC), onPve1)
                .when(new RecordTemplatePlacement(ID, null, false, List.of(), "no VM 9001 in the cluster"))
                .expectEvents(new TemplatePlaced(ID, null, false, List.of(), "no VM 9001 in the cluster"));
    }
}

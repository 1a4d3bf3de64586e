package io.vigil.core.template;

import io.vigil.core.node.ChangeNode;
import io.vigil.core.node.Node;
import io.vigil.core.node.NodeChanged;
import io.vigil.core.node.NodeName;
import io.vigil.core.node.NodeRegistered;
import io.vigil.core.node.NodeSpec;
import io.vigil.core.node.NodeStatus;
import io.vigil.core.node.RegisterNode;
import java.util.List;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.Test;

class RegistryAggregatesTest {
    static final TemplateId ID = new TemplateId("kali");
    static final TemplateSpec KALI = new TemplateSpec("Kali", OsType.KALI, Protocol.VNC, 9002, 4, 4096, 50, List.of("security"), true);

    @Test
    void an_admin_registers_a_template() {
        new AggregateTestFixture<>(Template.class).givenNoPriorActivity()
                .when(new RegisterTemplate(ID, KALI))
                .expectEvents(new TemplateRegistered(ID, KALI));
    }

    @Test
    void deactivating_a_template_is_a_recorded_change() {
        TemplateSpec inactive = new TemplateSpec("Kali", OsType.KALI, Protocol.VNC, 9002, 4, 4096, 50, List.of("security"), false);
        new AggregateTestFixture<>(Template.class).given(new TemplateRegistered(ID, KALI))
                .when(new ChangeTemplate(ID, inactive))
                .expectEvents(new TemplateChanged(ID, inactive));
    }

    @Test
    void a_change_that_changes_nothing_records_nothing() {
        new AggregateTestFixture<>(Template.class).given(new TemplateRegistered(ID, KALI))
                .when(new ChangeTemplate(ID, KALI))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void a_node_goes_into_maintenance() {
        NodeName pve = new NodeName("pve-4");
        NodeSpec online = new NodeSpec("pve-4.lab.local", NodeStatus.ONLINE, 50);
        NodeSpec maintenance = new NodeSpec("pve-4.lab.local", NodeStatus.MAINTENANCE, 50);
        new AggregateTestFixture<>(Node.class).givenNoPriorActivity()
                .when(new RegisterNode(pve, online))
                .expectEvents(new NodeRegistered(pve, online));
        new AggregateTestFixture<>(Node.class).given(new NodeRegistered(pve, online))
                .when(new ChangeNode(pve, maintenance))
                .expectEvents(new NodeChanged(pve, maintenance));
    }

    @Test
    void template_values_are_validated_at_construction() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                        new TemplateSpec("", OsType.LINUX, Protocol.SSH, 9001, 2, 4096, 32, List.of(), true))
                .hasMessageContaining("name is required");
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                        new TemplateSpec("x", OsType.LINUX, Protocol.SSH, 9001, 0, 4096, 32, List.of(), true))
                .hasMessageContaining("cpu_cores must be between 1 and 128");
    }
}

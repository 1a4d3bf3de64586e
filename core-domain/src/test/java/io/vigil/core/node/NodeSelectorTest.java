package io.vigil.core.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.core.DomainException;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeSelectorTest {
    static final long GIB = 1L << 30;

    static NodeLoad load(String name, double cpu, double memFraction) {
        return new NodeLoad(new NodeName(name), NodeStatus.ONLINE, true, cpu, (long) (memFraction * 100 * GIB), 100 * GIB, 3, 50, 0);
    }

    @Test
    void score_weighs_ram_seven_tenths_and_cpu_three_tenths() {
        assertThat(load("pve-1", 0.5, 0.5).score()).isEqualTo(0.5, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(load("pve-1", 1.0, 0.0).score()).isEqualTo(0.3, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void the_least_loaded_online_node_is_chosen() {
        assertThat(NodeSelector.choose(List.of(load("pve-1", 0.9, 0.6), load("pve-2", 0.1, 0.2), load("pve-3", 0.2, 0.3))))
                .isEqualTo(new NodeName("pve-2"));
    }

    @Test
    void ram_promised_to_provisioning_sessions_counts_as_used() {
        NodeLoad busy = new NodeLoad(new NodeName("pve-1"), NodeStatus.ONLINE, true, 0.0, 0, 100 * GIB, 0, 50, 80 * 1024);
        NodeLoad quiet = load("pve-2", 0.0, 0.5);
        assertThat(NodeSelector.choose(List.of(busy, quiet))).isEqualTo(new NodeName("pve-2"));
    }

    @Test
    void nodes_in_maintenance_offline_or_unreachable_are_skipped() {
        var maintenance = new NodeLoad(new NodeName("pve-1"), NodeStatus.MAINTENANCE, true, 0, 0, 100 * GIB, 0, 50, 0);
        var unreachable = new NodeLoad(new NodeName("pve-2"), NodeStatus.ONLINE, false, 0, 0, 100 * GIB, 0, 50, 0);
        assertThat(NodeSelector.choose(List.of(maintenance, unreachable, load("pve-3", 0.7, 0.7)))).isEqualTo(new NodeName("pve-3"));
    }

    @Test
    void no_node_under_85_percent_is_refused_with_a_clear_reason() {
        assertThatThrownBy(() -> NodeSelector.choose(List.of(load("pve-1", 0.9, 0.9), load("pve-2", 1.0, 0.85))))
                .isInstanceOf(DomainException.class)
                .hasMessageContaining("above 85 %")
                .extracting(e -> ((DomainException) e).code()).isEqualTo("no_node_capacity");
    }

    @Test
    void a_node_at_its_vm_limit_takes_no_more() {
        var full = new NodeLoad(new NodeName("pve-1"), NodeStatus.ONLINE, true, 0, 0, 100 * GIB, 50, 50, 0);
        assertThatThrownBy(() -> NodeSelector.choose(List.of(full)))
                .isInstanceOf(DomainException.class).hasMessageContaining("maximum number of VMs");
    }

    @Test
    void no_online_node_is_refused() {
        assertThatThrownBy(() -> NodeSelector.choose(List.of()))
                .isInstanceOf(DomainException.class).extracting(e -> ((DomainException) e).code()).isEqualTo("no_node_online");
    }
}

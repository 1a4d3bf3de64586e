package io.vigil.command.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.command.admission.AdmissionLedger.PlacedTemplate;
import io.vigil.core.node.NodeName;
import io.vigil.core.template.OsType;
import io.vigil.core.template.Protocol;
import io.vigil.core.template.TemplateSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Where clones of a template are made: the node an admin set wins over where the cluster showed the template (an
 * admin may pin a template that exists on several nodes, or one the lookup placed wrongly); without the admin's
 * word it is where the template was found, and without either admission cannot place it.
 */
class PlacedTemplateTest {

    private static TemplateSpec spec(String adminNode) {
        return new TemplateSpec("Ubuntu 22.04", OsType.LINUX, Protocol.SSH, 9001, 2, 4096, 32, List.of(), true,
                adminNode == null ? null : new NodeName(adminNode));
    }

    @Test
    void the_node_an_admin_set_wins_over_the_node_the_template_was_found_on() {
        assertThat(new PlacedTemplate(spec("pve-4"), "pve-1", true, null).cloneNode()).contains("pve-4");
        assertThat(new PlacedTemplate(spec("pve-4"), "pve-1", false, null).cloneNode()).contains("pve-4");
    }

    @Test
    void the_admins_node_counts_before_the_template_was_looked_up_or_when_the_lookup_found_nothing() {
        assertThat(new PlacedTemplate(spec("pve-4"), null, null, null).cloneNode()).contains("pve-4");
        assertThat(new PlacedTemplate(spec("pve-4"), null, null, "VM 9001 is not in the cluster").cloneNode())
                .contains("pve-4");
    }

    @Test
    void without_an_admins_node_clones_are_made_where_the_template_was_found() {
        assertThat(new PlacedTemplate(spec(null), "pve-1", true, null).cloneNode()).contains("pve-1");
    }

    @Test
    void a_template_nobody_placed_and_nobody_found_has_no_clone_node() {
        assertThat(new PlacedTemplate(spec(null), null, null, "VM 9001 is not in the cluster").cloneNode()).isEmpty();
    }

    @Test
    void clones_leave_the_templates_node_only_with_shared_storage_that_was_seen() {
        assertThat(new PlacedTemplate(spec(null), "pve-1", true, null).anyNode()).isTrue();
        assertThat(new PlacedTemplate(spec(null), "pve-1", false, null).anyNode()).isFalse();
        assertThat(new PlacedTemplate(spec(null), "pve-1", null, null).anyNode()).isFalse();
    }
}

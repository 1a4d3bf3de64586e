package io.vigil.platform.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Roles are found where the identity provider puts them, and Vigil's own tokens put them there too. */
class RolesClaimTest {

    @Test
    void a_dotted_path_reads_keycloaks_realm_roles() {
        RolesClaim claim = new RolesClaim("realm_access.roles");

        assertThat(claim.read(Map.of("realm_access", Map.of("roles", List.of("engineer", "uma_authorization")))))
                .containsExactly("engineer", "uma_authorization");
        assertThat(claim.read(Map.of("roles", List.of("admin")))).isEmpty();
        assertThat(claim.read(Map.of("realm_access", "not an object"))).isEmpty();
    }

    @Test
    void a_space_or_comma_separated_string_counts_as_a_list() {
        assertThat(new RolesClaim("roles").read(Map.of("roles", "engineer admin,auditor")))
                .containsExactly("engineer", "admin", "auditor");
    }

    @Test
    void what_is_placed_at_a_path_is_read_back_from_it() {
        RolesClaim claim = new RolesClaim("resource_access.vigil.roles");
        Map<String, Object> claims = claim.place(List.of("admin"));

        assertThat(claims).isEqualTo(Map.of("resource_access", Map.of("vigil", Map.of("roles", List.of("admin")))));
        assertThat(claim.read(claims)).containsExactly("admin");
    }

    @Test
    void the_application_sees_the_roles_in_one_claim_whatever_the_tokens_layout() {
        Map<String, Object> normalised = new RolesClaim("realm_access.roles").normalising()
                .convert(Map.of("sub", "u1", "realm_access", Map.of("roles", List.of("auditor"))));

        assertThat(normalised).containsEntry(JwtSecurityConfiguration.ROLES_CLAIM, List.of("auditor"))
                .containsEntry("sub", "u1");
    }
}

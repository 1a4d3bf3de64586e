package io.vigil.platform.security;

import io.vigil.core.OrgId;
import io.vigil.core.UserId;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * The caller, as the verified token says. Its roles come from {@code vigil.security.roles-claim} whatever the
 * issuer's layout: the decoder has already put them in the {@value JwtSecurityConfiguration#ROLES_CLAIM} claim
 * ({@link RolesClaim}), which is also where the authorities come from.
 */
public record CurrentUser(UserId id, Set<Role> roles) {

    public static CurrentUser of(Jwt jwt) {
        EnumSet<Role> roles = EnumSet.noneOf(Role.class);
        List<String> claimed = jwt.getClaimAsStringList(JwtSecurityConfiguration.ROLES_CLAIM);
        if (claimed != null) {
            for (String role : claimed) {
                try {
                    roles.add(Role.valueOf(role.toUpperCase(java.util.Locale.ROOT)));
                } catch (IllegalArgumentException ignored) {
                    // an unknown role grants nothing
                }
            }
        }
        return new CurrentUser(new UserId(jwt.getSubject()), roles);
    }

    /**
     * The organisation the caller acts for: the token's {@value JwtSecurityConfiguration#ORG_CLAIM} claim, or
     * {@code default} when it has none (a single-organisation deployment never sets one).
     */
    public static OrgId org(Jwt jwt) {
        String org = jwt.getClaimAsString(JwtSecurityConfiguration.ORG_CLAIM);
        return org == null || org.isBlank() ? OrgId.DEFAULT : new OrgId(org);
    }

    public boolean admin() {
        return roles.contains(Role.ADMIN);
    }
}

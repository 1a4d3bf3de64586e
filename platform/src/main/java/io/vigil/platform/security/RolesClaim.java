package io.vigil.platform.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.oauth2.jwt.MappedJwtClaimSetConverter;

/**
 * Where a token lists its roles ({@code vigil.security.roles-claim}, a dotted path such as
 * {@code realm_access.roles}). Verified tokens are normalised on decoding: the roles found at the path are put
 * in the {@value JwtSecurityConfiguration#ROLES_CLAIM} claim of the {@code Jwt} the application sees, so the
 * authorities and {@link CurrentUser#of} read one place whatever the identity provider.
 */
public final class RolesClaim {
    private final List<String> path;

    public RolesClaim(String dottedPath) {
        this.path = List.of(dottedPath.split("\\."));
    }

    /** The role names at the path: a JSON array of strings, or one string of names separated by spaces or commas. */
    public List<String> read(Map<String, Object> claims) {
        Object node = claims;
        for (String step : path) {
            if (!(node instanceof Map<?, ?> map)) {
                return List.of();
            }
            node = map.get(step);
        }
        if (node instanceof Collection<?> values) {
            List<String> roles = new ArrayList<>();
            values.forEach(v -> {
                if (v != null) {
                    roles.add(v.toString());
                }
            });
            return roles;
        }
        if (node instanceof String text && !text.isBlank()) {
            return List.of(text.trim().split("[\\s,]+"));
        }
        return List.of();
    }

    /** The claims of a token Vigil issues, with {@code roles} placed at the path (nested maps for a dotted one). */
    public Map<String, Object> place(List<String> roles) {
        Object value = roles;
        for (int i = path.size() - 1; i > 0; i--) {
            value = Map.of(path.get(i), value);
        }
        return Map.of(path.get(0), value);
    }

    /** Boot's default claim conversions (timestamps, {@code aud} as a list, ...), then the roles normalised. */
    public Converter<Map<String, Object>, Map<String, Object>> normalising() {
        MappedJwtClaimSetConverter defaults = MappedJwtClaimSetConverter.withDefaults(Map.of());
        return claims -> {
            Map<String, Object> converted = new LinkedHashMap<>(defaults.convert(claims));
            converted.put(JwtSecurityConfiguration.ROLES_CLAIM, read(claims));
            return converted;
        };
    }
}

package io.vigil.platform.security;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who may call Vigil and how a token proves it ({@code vigil.security.*}).
 *
 * @param jwtSecret    HMAC-SHA256 key (at least 32 bytes) of HS256 tokens: the ones Vigil issues itself (dev
 *                     tokens, agent tokens) and those of any issuer that shares it. Required unless
 *                     {@code jwkSetUri} is set; without it Vigil accepts only the identity provider's tokens and
 *                     issues none of its own
 * @param jwkSetUri    JWKS URL of an identity provider (Keycloak, Entra ID): RS256/RS384/RS512, PS* and
 *                     ES256/ES384/ES512 tokens are verified against its keys. Unset: HS256 only
 * @param issuer       the {@code iss} every token must carry (and the one Vigil's own tokens carry)
 * @param audience     when set, every token's {@code aud} must contain it (and Vigil's own tokens carry it)
 * @param rolesClaim   where a token lists its roles, as a dotted path into the claims: {@code roles} (default,
 *                     Vigil's own tokens and Entra ID app roles) or e.g. {@code realm_access.roles} (Keycloak)
 * @param tokenTtl     lifetime of tokens from the development token endpoint
 * @param devTokens    whether {@code POST /api/v1/dev/tokens} exists: true in the local run with simulators only
 * @param ticketSecret secret the stream-ticket key is derived from (at least 32 bytes; every instance needs the
 *                     same one). Unset: derived from {@code jwtSecret}; required when there is none
 * @param ticketTtl    how long a stream ticket opens its stream
 * @param cors         cross-origin access for browsers served from another origin
 */
@ConfigurationProperties("vigil.security")
public record SecurityProperties(String jwtSecret,
                                 URI jwkSetUri,
                                 @DefaultValue("vigil") String issuer,
                                 String audience,
                                 @DefaultValue("roles") String rolesClaim,
                                 @DefaultValue("8h") Duration tokenTtl,
                                 @DefaultValue("false") boolean devTokens,
                                 String ticketSecret,
                                 @DefaultValue("60s") Duration ticketTtl,
                                 @DefaultValue Cors cors) {
    private static final int MIN_KEY_BYTES = 32;

    public SecurityProperties {
        if (blank(jwtSecret)) {
            jwtSecret = null;
            if (jwkSetUri == null) {
                throw new IllegalArgumentException("vigil.security.jwt-secret must be set to at least 32 bytes"
                        + " (or vigil.security.jwk-set-uri to accept an identity provider's tokens)");
            }
            if (blank(ticketSecret)) {
                throw new IllegalArgumentException("vigil.security.ticket-secret must be set (at least 32 bytes)"
                        + " when there is no vigil.security.jwt-secret to derive the stream-ticket key from");
            }
        } else if (bytes(jwtSecret) < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("vigil.security.jwt-secret must be at least 32 bytes");
        }
        if (blank(ticketSecret)) {
            ticketSecret = null;
        } else if (bytes(ticketSecret) < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("vigil.security.ticket-secret must be at least 32 bytes");
        }
        if (blank(issuer)) {
            throw new IllegalArgumentException("vigil.security.issuer must not be blank");
        }
        audience = blank(audience) ? null : audience.trim();
        if (blank(rolesClaim) || !rolesClaim.matches("[A-Za-z0-9_:-]+(\\.[A-Za-z0-9_:-]+)*")) {
            throw new IllegalArgumentException("vigil.security.roles-claim must be a claim name or a dotted path"
                    + " such as realm_access.roles");
        }
        if (ticketTtl.isNegative() || ticketTtl.isZero() || ticketTtl.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("vigil.security.ticket-ttl must be positive and at most 10 minutes");
        }
        if (cors == null) {
            cors = new Cors(List.of());
        }
    }

    /** Whether Vigil can sign (and verify) HS256 tokens of its own. */
    public boolean hasSharedSecret() {
        return jwtSecret != null;
    }

    /** What the stream-ticket key is derived from: the ticket secret when given, else the shared secret. */
    public String ticketKeySource() {
        return ticketSecret != null ? ticketSecret : jwtSecret;
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }

    private static int bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    @Override
    public String toString() {
        return "SecurityProperties[jwkSetUri=" + jwkSetUri + ", issuer=" + issuer + ", audience=" + audience
                + ", rolesClaim=" + rolesClaim + ", tokenTtl=" + tokenTtl + ", devTokens=" + devTokens
                + ", ticketTtl=" + ticketTtl + ", cors=" + cors + "]";
    }

    /**
     * @param allowedOrigins origins (e.g. {@code https://lab.example.edu}) whose pages may call the API from a
     *                       browser. Empty (the default): no CORS headers, for a UI served from the API's own origin
     */
    public record Cors(@DefaultValue List<String> allowedOrigins) {
        public Cors {
            allowedOrigins = allowedOrigins == null ? List.of()
                    : allowedOrigins.stream().map(String::trim).filter(o -> !o.isEmpty()).toList();
        }

        public boolean enabled() {
            return !allowedOrigins.isEmpty();
        }
    }
}

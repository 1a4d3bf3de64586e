package io.vigil.platform.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.vigil.core.DomainException;
import io.vigil.core.OrgId;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Locale;

/**
 * Signs HS256 tokens with the shared secret: for the local run's token endpoint, in-guest agents and tests. They
 * carry what the verifier checks: {@code iss}, {@code aud} when one is configured, {@code exp}, and the roles at
 * the configured roles claim. Without a shared secret (identity provider only) Vigil issues no tokens.
 */
public class TokenIssuer {
    private final SecurityProperties properties;
    private final RolesClaim rolesClaim;
    private final Clock clock;

    public TokenIssuer(SecurityProperties properties, Clock clock) {
        this.properties = properties;
        this.rolesClaim = new RolesClaim(properties.rolesClaim());
        this.clock = clock;
    }

    public IssuedToken issue(String subject, Collection<Role> roles) {
        return issue(subject, roles, OrgId.DEFAULT);
    }

    /** A person's token, acting for {@code org} (its {@value JwtSecurityConfiguration#ORG_CLAIM} claim). */
    public IssuedToken issue(String subject, Collection<Role> roles, OrgId org) {
        Instant now = clock.instant();
        Instant expiresAt = now.plus(properties.tokenTtl());
        List<String> names = roles.stream().map(r -> r.name().toLowerCase(Locale.ROOT)).toList();
        JWTClaimsSet claims = claims(subject, now, expiresAt, names).claim(JwtSecurityConfiguration.ORG_CLAIM, org.value())
                .build();
        return new IssuedToken(sign(claims), expiresAt, subject, names, org.value());
    }

    /**
     * A token that speaks for one session, not for a person: what an in-guest agent sends heartbeats with. It
     * carries only the {@value JwtSecurityConfiguration#SESSION_AGENT} role and the session's id, and ends when
     * the session does.
     */
    public IssuedToken issueForSession(String sessionId, Instant expiresAt) {
        JWTClaimsSet claims = claims("session:" + sessionId, clock.instant(), expiresAt,
                List.of(JwtSecurityConfiguration.SESSION_AGENT))
                .claim(JwtSecurityConfiguration.SESSION_CLAIM, sessionId)
                .build();
        return new IssuedToken(sign(claims), expiresAt, "session:" + sessionId, List.of(JwtSecurityConfiguration.SESSION_AGENT),
                null);
    }

    private JWTClaimsSet.Builder claims(String subject, Instant issuedAt, Instant expiresAt, List<String> roles) {
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder()
                .subject(subject)
                .issuer(properties.issuer())
                .issueTime(Date.from(issuedAt))
                .expirationTime(Date.from(expiresAt));
        if (properties.audience() != null) {
            builder.audience(properties.audience());
        }
        rolesClaim.place(roles).forEach(builder::claim);
        return builder;
    }

    private String sign(JWTClaimsSet claims) {
        if (!properties.hasSharedSecret()) {
            throw DomainException.unavailable("no_own_tokens",
                    "This deployment accepts its identity provider's tokens only and issues none of its own");
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(new MACSigner(properties.jwtSecret().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign token", e);
        }
        return jwt.serialize();
    }

    public record IssuedToken(String token, Instant expiresAt, String user, List<String> roles, String org) {
    }
}

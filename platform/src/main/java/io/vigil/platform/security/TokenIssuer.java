package io.vigil.platform.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Locale;

/** Signs HS256 tokens with the shared secret: for the local run's token endpoint and for tests. */
public class TokenIssuer {
    private final SecurityProperties properties;
    private final Clock clock;

    public TokenIssuer(SecurityProperties properties, Clock clock) {
        this.properties = properties;
        this.clock = clock;
    }

    public IssuedToken issue(String subject, Collection<Role> roles) {
        Instant now = clock.instant();
        Instant expiresAt = now.plus(properties.tokenTtl());
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject(subject)
                .issuer(properties.issuer())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(expiresAt))
                .claim(JwtSecurityConfiguration.ROLES_CLAIM,
                        roles.stream().map(r -> r.name().toLowerCase(Locale.ROOT)).toList())
                .build();
        return new IssuedToken(sign(claims), expiresAt, subject,
                roles.stream().map(r -> r.name().toLowerCase(Locale.ROOT)).toList());
    }

    /**
     * A token that speaks for one session, not for a person: what an in-guest agent sends heartbeats with. It
     * carries only the {@value JwtSecurityConfiguration#SESSION_AGENT} role and the session's id, and ends when
     * the session does.
     */
    public IssuedToken issueForSession(String sessionId, Instant expiresAt) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject("session:" + sessionId)
                .issuer(properties.issuer())
                .issueTime(Date.from(clock.instant()))
                .expirationTime(Date.from(expiresAt))
                .claim(JwtSecurityConfiguration.ROLES_CLAIM, List.of(JwtSecurityConfiguration.SESSION_AGENT))
                .claim(JwtSecurityConfiguration.SESSION_CLAIM, sessionId)
                .build();
        return new IssuedToken(sign(claims), expiresAt, "session:" + sessionId, List.of(JwtSecurityConfiguration.SESSION_AGENT));
    }

    private String sign(JWTClaimsSet claims) {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(new MACSigner(properties.jwtSecret().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign token", e);
        }
        return jwt.serialize();
    }

    public record IssuedToken(String token, Instant expiresAt, String user, List<String> roles) {
    }
}

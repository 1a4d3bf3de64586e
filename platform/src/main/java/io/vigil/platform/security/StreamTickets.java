package io.vigil.platform.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.vigil.core.DomainException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

/**
 * Stream tickets: a browser's {@code EventSource} cannot send an Authorization header, so it opens a stream with
 * {@code GET <path>?ticket=...}. A ticket is a JWT for one stream path, short-lived, carrying the caller's subject
 * and roles (the stream's own ownership check applies unchanged). It is signed with a key derived for tickets
 * only, so a ticket is never accepted as a bearer token, nor a bearer token as a ticket.
 */
public final class StreamTickets {
    /** The query parameter a ticket travels in. */
    public static final String PARAMETER = "ticket";
    static final String PATH_CLAIM = "path";
    /** The streams a ticket can open. Device streams join this list. */
    static final List<String> STREAM_PATHS = List.of("/api/v1/sessions/{id}/events", "/api/v1/devices/{id}/triggers/live",
            "/api/v1/devices/{id}/captures/live");
    private static final List<PathPattern> STREAM_PATTERNS = STREAM_PATHS.stream()
            .map(PathPatternParser.defaultInstance::parse).toList();
    private static final String SAFE_PATH = "(/[A-Za-z0-9_.~-]+)+";
    private static final byte[] KEY_LABEL = "vigil stream ticket v1".getBytes(StandardCharsets.UTF_8);
    private final SecretKey key;
    private final String issuer;
    private final Duration ttl;
    private final Clock clock;
    private final NimbusReactiveJwtDecoder decoder;

    public StreamTickets(SecurityProperties properties, Clock clock) {
        this.key = deriveKey(properties.ticketKeySource());
        this.issuer = properties.issuer();
        this.ttl = properties.ticketTtl();
        this.clock = clock;
        this.decoder = NimbusReactiveJwtDecoder.withSecretKey(key).macAlgorithm(MacAlgorithm.HS256).build();
        JwtTimestampValidator expiry = new JwtTimestampValidator(Duration.ZERO);
        expiry.setAllowEmptyExpiryClaim(false);
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(expiry, new JwtIssuerValidator(issuer),
                new JwtClaimValidator<String>(PATH_CLAIM, StreamTickets::isStreamPath)));
    }

    /** A ticket for {@code path}, speaking for the verified caller. */
    public Ticket issue(Jwt caller, String path) {
        if (path == null || !isStreamPath(path)) {
            throw DomainException.invalid("invalid_stream_path",
                    "path must be the path of a live stream, one of " + String.join(", ", STREAM_PATHS));
        }
        Instant now = clock.instant();
        Instant expiresAt = now.plus(ttl);
        List<String> roles = caller.getClaimAsStringList(JwtSecurityConfiguration.ROLES_CLAIM);
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject(caller.getSubject())
                .issuer(issuer)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(expiresAt))
                .jwtID(UUID.randomUUID().toString())
                .claim(PATH_CLAIM, path)
                .claim(JwtSecurityConfiguration.ROLES_CLAIM, roles == null ? List.of() : roles)
                .claim(JwtSecurityConfiguration.ORG_CLAIM, CurrentUser.org(caller).value())
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(new MACSigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a stream ticket", e);
        }
        return new Ticket(jwt.serialize(), expiresAt, path);
    }

    /** The verified ticket, if it is valid now and was issued for exactly {@code requestPath}. */
    public Mono<Jwt> verify(String ticket, String requestPath) {
        return decoder.decode(ticket).flatMap(jwt -> requestPath.equals(jwt.getClaimAsString(PATH_CLAIM))
                ? Mono.just(jwt)
                : Mono.error(new BadJwtException("the ticket was issued for another path")));
    }

    /** The ticket a request presents: only when it carries no Authorization header (the header always wins). */
    static String ticketOf(ServerWebExchange exchange) {
        if (exchange.getRequest().getHeaders().containsHeader(HttpHeaders.AUTHORIZATION)) {
            return null;
        }
        return exchange.getRequest().getQueryParams().getFirst(PARAMETER);
    }

    static boolean opensStream(ServerWebExchange exchange) {
        return HttpMethod.GET.equals(exchange.getRequest().getMethod());
    }

    static boolean isStreamPath(String path) {
        if (path == null || path.length() > 300 || !path.matches(SAFE_PATH) || path.contains("..")) {
            return false;
        }
        PathContainer container = PathContainer.parsePath(path);
        return STREAM_PATTERNS.stream().anyMatch(p -> p.matches(container));
    }

    private static SecretKey deriveKey(String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return new SecretKeySpec(mac.doFinal(KEY_LABEL), "HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** {@code {"ticket", "expires_at", "path"}}. */
    public record Ticket(String ticket, Instant expiresAt, String path) {
    }
}

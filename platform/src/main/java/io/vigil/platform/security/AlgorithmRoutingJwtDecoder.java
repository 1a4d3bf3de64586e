package io.vigil.platform.security;

import com.nimbusds.jose.Algorithm;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.util.Set;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;

/**
 * Picks the verifier by the token's {@code alg} header: HS256 against the shared secret, RSA and EC signatures
 * against the identity provider's key set. Anything else ({@code none}, other HMACs, a token that does not
 * parse) is refused before any key is looked at. Either verifier may be absent: its tokens are then refused.
 * A key set that cannot be fetched is the server's failure, not a bad token.
 */
final class AlgorithmRoutingJwtDecoder implements ReactiveJwtDecoder {
    static final Set<JWSAlgorithm> KEY_SET_ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
            JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256,
            JWSAlgorithm.ES384, JWSAlgorithm.ES512);
    private final ReactiveJwtDecoder sharedSecret;
    private final ReactiveJwtDecoder keySet;

    AlgorithmRoutingJwtDecoder(ReactiveJwtDecoder sharedSecret, ReactiveJwtDecoder keySet) {
        this.sharedSecret = sharedSecret;
        this.keySet = keySet;
    }

    @Override
    public Mono<Jwt> decode(String token) {
        Algorithm algorithm;
        try {
            JWT jwt = JWTParser.parse(token);
            if (!(jwt instanceof SignedJWT)) {
                return Mono.error(new BadJwtException("the token is not signed"));
            }
            algorithm = jwt.getHeader().getAlgorithm();
        } catch (ParseException e) {
            return Mono.error(new BadJwtException("the token is not a JWT"));
        }
        if (JWSAlgorithm.HS256.equals(algorithm) && sharedSecret != null) {
            return sharedSecret.decode(token);
        }
        if (algorithm instanceof JWSAlgorithm jws && KEY_SET_ALGORITHMS.contains(jws) && keySet != null) {
            // Spring reports an unreachable key set as IllegalStateException, which would end as a 500. As a
            // JwtException (not a BadJwtException) it is a service failure: 503, not the caller's 401.
            return keySet.decode(token).onErrorMap(e -> !(e instanceof JwtException),
                    e -> new JwtException("the identity provider's key set could not be read", e));
        }
        return Mono.error(new BadJwtException("tokens signed with " + algorithm + " are not accepted here"));
    }
}

package io.vigil.platform.security;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.platform.test.TestServices;
import io.vigil.testapp.IdentityProvider;
import io.vigil.testapp.PlatformWebTest;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtReactiveAuthenticationManager;

/**
 * When the identity provider's key set cannot be fetched, its tokens are neither accepted nor called bad: the
 * failure is the server's (a 503 from the exception handler, see ApiExceptionHandlerTest), not the caller's 401.
 */
class KeySetUnavailableTest {

    @Test
    void an_unreachable_key_set_is_a_service_failure_not_a_bad_token() {
        URI nobodyListens = URI.create("http://127.0.0.1:" + TestServices.freePort() + "/certs");
        SecurityProperties properties = new SecurityProperties(TestServices.JWT_SECRET, nobodyListens, "vigil", null,
                "roles", Duration.ofHours(8), false, null, Duration.ofSeconds(60), null);
        JwtReactiveAuthenticationManager manager = new JwtReactiveAuthenticationManager(
                new JwtSecurityConfiguration().jwtDecoder(properties));
        try (IdentityProvider idp = IdentityProvider.start()) {
            String token = idp.rs256(PlatformWebTest.claims("bob", "engineer").issuer("vigil")
                    .expirationTime(Date.from(Instant.now().plusSeconds(60))).claim("roles", List.of("engineer")).build());

            assertThatThrownBy(() -> manager.authenticate(new BearerTokenAuthenticationToken(token)).block(Duration.ofSeconds(20)))
                    .isInstanceOf(AuthenticationServiceException.class)
                    .isNotInstanceOf(InvalidBearerTokenException.class);
        }
    }
}

package io.vigil.testapp;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import io.vigil.platform.security.Role;
import io.vigil.platform.security.TokenIssuer;
import io.vigil.platform.test.RawHttp;
import io.vigil.platform.test.TestServices;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * The platform as a deployment configures it: tokens from an identity provider (its JWKS on 127.0.0.1) besides
 * the shared secret, an audience, Keycloak's roles claim, one CORS origin, and the development token endpoint.
 * One context for every platform web test.
 */
@SpringBootTest(classes = PlatformTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class PlatformWebTest {
    public static final String ISSUER = "https://id.example.edu/realms/lab";
    public static final String AUDIENCE = "vigil-api";
    public static final String BROWSER_ORIGIN = "https://lab.example.edu";
    protected static final IdentityProvider idp = IdentityProvider.start();
    protected static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT = new ParameterizedTypeReference<>() {
    };

    @DynamicPropertySource
    static void platform(DynamicPropertyRegistry registry) {
        TestServices.register(registry);
        registry.add("vigil.security.jwk-set-uri", idp::jwkSetUri);
        registry.add("vigil.security.issuer", () -> ISSUER);
        registry.add("vigil.security.audience", () -> AUDIENCE);
        registry.add("vigil.security.roles-claim", () -> "realm_access.roles");
        registry.add("vigil.security.cors.allowed-origins", () -> BROWSER_ORIGIN);
        registry.add("vigil.security.dev-tokens", () -> "true");
        registry.add("axon.eventhandling.processors.probe-subscribing.mode", () -> "subscribing");
    }

    @LocalServerPort
    protected int port;
    @Autowired
    protected TokenIssuer tokens;
    @Autowired
    protected JsonMapper json;

    protected WebTestClient http() {
        return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(20)).build();
    }

    protected RawHttp raw() {
        return new RawHttp(port);
    }

    protected String token(String user, Role... roles) {
        return tokens.issue(user, List.of(roles)).token();
    }

    /** Claims an identity provider would put in an access token for Vigil, roles where Keycloak puts them. */
    public static JWTClaimsSet.Builder claims(String subject, String... roles) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .subject(subject)
                .issuer(ISSUER)
                .audience(List.of(AUDIENCE, "account"))
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300)))
                .claim("realm_access", Map.of("roles", List.of(roles)));
    }

    /** Asserts the error envelope and returns its code. */
    @SuppressWarnings("unchecked")
    protected String envelopeCode(String body) {
        Map<String, Object> parsed = json.readValue(body, Map.class);
        assertThat(parsed).containsOnlyKeys("error");
        Map<String, Object> error = (Map<String, Object>) parsed.get("error");
        assertThat(error).containsKeys("code", "message", "details", "timestamp");
        assertThat((String) error.get("message")).isNotBlank()
                .doesNotContain("Exception", "java.", "io.vigil", "org.springframework", "$");
        return (String) error.get("code");
    }
}

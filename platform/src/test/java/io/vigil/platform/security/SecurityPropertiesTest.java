package io.vigil.platform.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A deployment that forgets a key fails at start-up, with the property to set, not at the first request. */
class SecurityPropertiesTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef";
    private static final URI JWKS = URI.create("https://id.example.edu/realms/lab/protocol/openid-connect/certs");

    @Test
    void the_shared_secret_is_required_without_an_identity_provider() {
        assertThatThrownBy(() -> properties(null, null, null)).hasMessageContaining("vigil.security.jwt-secret");
        assertThatThrownBy(() -> properties("too short", null, null)).hasMessageContaining("at least 32 bytes");
    }

    @Test
    void with_an_identity_provider_only_the_ticket_secret_is_required() {
        assertThatThrownBy(() -> properties(null, JWKS, null)).hasMessageContaining("vigil.security.ticket-secret");

        SecurityProperties idpOnly = properties(null, JWKS, SECRET);
        assertThat(idpOnly.hasSharedSecret()).isFalse();
        assertThat(idpOnly.ticketKeySource()).isEqualTo(SECRET);
    }

    @Test
    void the_ticket_key_comes_from_the_shared_secret_unless_one_is_given() {
        assertThat(properties(SECRET, null, null).ticketKeySource()).isEqualTo(SECRET);
        assertThat(properties(SECRET, null, "another-ticket-secret-0123456789abcdef").ticketKeySource())
                .isEqualTo("another-ticket-secret-0123456789abcdef");
    }

    @Test
    void secrets_never_show_in_its_text() {
        assertThat(properties(SECRET, JWKS, null).toString()).doesNotContain(SECRET).contains("id.example.edu");
    }

    @Test
    void the_roles_claim_must_be_a_dotted_path() {
        assertThatThrownBy(() -> new SecurityProperties(SECRET, null, "vigil", null, "realm_access..roles",
                Duration.ofHours(8), false, null, Duration.ofSeconds(60), null))
                .hasMessageContaining("vigil.security.roles-claim");
    }

    private static SecurityProperties properties(String jwtSecret, URI jwkSetUri, String ticketSecret) {
        return new SecurityProperties(jwtSecret, jwkSetUri, "vigil", null, "roles", Duration.ofHours(8), false,
                ticketSecret, Duration.ofSeconds(60), null);
    }
}

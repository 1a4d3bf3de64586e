package io.vigil.platform.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import io.vigil.platform.test.TestServices;
import io.vigil.testapp.IdentityProvider;
import io.vigil.testapp.PlatformWebTest;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A token gets in only if it is signed by a key Vigil trusts (the shared secret, or the identity provider's key
 * set for RSA/EC), names Vigil's issuer and audience, and carries an expiry that has not passed.
 */
class BearerTokenTest extends PlatformWebTest {

    @Test
    void an_identity_providers_rs256_token_is_accepted_with_its_roles_from_the_configured_claim() {
        String token = idp.rs256(claims("f3a1c2d4-kc-user", "engineer", "offline_access").build());

        Map<String, Object> me = me(token).expectStatus().isOk().expectBody(JSON_OBJECT).returnResult().getResponseBody();

        assertThat(me).containsEntry("user", "f3a1c2d4-kc-user").containsEntry("roles", List.of("ENGINEER"));
    }

    @Test
    void an_identity_providers_es256_token_is_accepted() {
        String token = idp.es256(claims("ec-user", "admin").build());

        http().get().uri("/api/v1/admin/probe").header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.user").isEqualTo("ec-user");
    }

    @Test
    void vigils_own_hs256_tokens_carry_what_the_verifier_checks() {
        Map<String, Object> me = me(token("alice", Role.ADMIN, Role.AUDITOR)).expectStatus().isOk()
                .expectBody(JSON_OBJECT).returnResult().getResponseBody();

        assertThat(me).containsEntry("user", "alice").containsEntry("roles", List.of("ADMIN", "AUDITOR"));
    }

    @Test
    void roles_outside_the_configured_claim_grant_nothing() {
        String token = idp.rs256(claims("mallory").claim("roles", List.of("admin")).build());

        http().get().uri("/api/v1/admin/probe").header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .exchange().expectStatus().isForbidden();
    }

    @Test
    void an_expired_token_is_refused() {
        Instant past = Instant.now().minusSeconds(3600);
        assertRefused(idp.rs256(claims("bob", "engineer").issueTime(Date.from(past.minusSeconds(300)))
                .expirationTime(Date.from(past)).build()));
        assertRefused(IdentityProvider.hs256(claims("bob", "engineer").issueTime(Date.from(past.minusSeconds(300)))
                .expirationTime(Date.from(past)).build(), TestServices.JWT_SECRET));
    }

    @Test
    void a_token_without_exp_is_refused() {
        JWTClaimsSet noExpiry = claims("bob", "engineer").expirationTime(null).build();
        assertThat(noExpiry.getExpirationTime()).isNull();

        assertRefused(idp.rs256(noExpiry));
        assertRefused(IdentityProvider.hs256(noExpiry, TestServices.JWT_SECRET));
    }

    @Test
    void a_forged_token_is_refused() {
        JWTClaimsSet claims = claims("mallory", "admin").build();
        assertRefused(IdentityProvider.rs256WithUnknownKey(claims));
        assertRefused(IdentityProvider.hs256(claims, "another-secret-another-secret-0123456789"));
        assertRefused(IdentityProvider.unsigned(claims));
        assertRefused("not.a.token");
        assertRefused("garbage");
    }

    @Test
    void a_token_from_another_issuer_is_refused() {
        assertRefused(idp.rs256(claims("bob", "engineer").issuer("https://evil.example.com/realms/lab").build()));
        assertRefused(IdentityProvider.hs256(claims("bob", "engineer").issuer("vigil").build(), TestServices.JWT_SECRET));
    }

    @Test
    void a_token_for_another_audience_is_refused() {
        assertRefused(idp.rs256(claims("bob", "engineer").audience("grafana").build()));
        assertRefused(idp.rs256(claims("bob", "engineer").audience((String) null).build()));
    }

    @Test
    void no_token_is_refused_with_the_envelope() {
        String body = http().get().uri("/api/v1/probe/me").exchange().expectStatus().isUnauthorized()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(envelopeCode(body)).isEqualTo("unauthenticated");
    }

    private WebTestClient.ResponseSpec me(String token) {
        return http().get().uri("/api/v1/probe/me").header(HttpHeaders.AUTHORIZATION, "Bearer " + token).exchange();
    }

    private void assertRefused(String token) {
        String body = me(token).expectStatus().isUnauthorized().expectBody(String.class).returnResult().getResponseBody();
        assertThat(envelopeCode(body)).isEqualTo("unauthenticated");
    }
}

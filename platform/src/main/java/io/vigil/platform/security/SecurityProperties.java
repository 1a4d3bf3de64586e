package io.vigil.platform.security;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param jwtSecret HMAC-SHA256 key shared by the services that verify tokens (at least 32 bytes)
 * @param issuer    the {@code iss} of tokens Vigil issues and accepts
 * @param tokenTtl  lifetime of tokens from the development token endpoint
 * @param devTokens whether {@code POST /api/v1/dev/tokens} exists: true in the local run only
 */
@ConfigurationProperties("vigil.security")
public record SecurityProperties(String jwtSecret, @DefaultValue("vigil") String issuer,
                                 @DefaultValue("8h") Duration tokenTtl, @DefaultValue("false") boolean devTokens) {
    public SecurityProperties {
        if (jwtSecret == null || jwtSecret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 32) {
            throw new IllegalArgumentException("vigil.security.jwt-secret must be set to at least 32 bytes");
        }
    }

    @Override
    public String toString() {
        return "SecurityProperties[issuer=" + issuer + ", tokenTtl=" + tokenTtl + ", devTokens=" + devTokens + "]";
    }
}

package io.vigil.command.guacamole;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
  * Where and how to reach Apache Guacamole.
  *
  * @param baseUrl        the web application's root; the REST API is under {@code baseUrl/api}
  *                       (e.g. {@code https://lab.example.org/guacamole})
  * @param username       a Guacamole admin able to create and delete connections
  * @param password       never logged or printed
  * @param dataSource     e.g. "postgresql"; null uses the one the login answers
  * @param publicUrl      base of the client links users open; defaults to {@code baseUrl}
  * @param requestTimeout limit for one call, connect to last byte
  */
@ConfigurationProperties("vigil.guacamole")
public record GuacamoleProperties(@DefaultValue("http://127.0.0.1:8081") String baseUrl,
                                                                    String username, String password, String dataSource,
                                                                    String publicUrl,
                                                                    @DefaultValue("10s") Duration requestTimeout) {

    public GuacamoleProperties {
        baseUrl = trim(baseUrl == null || baseUrl.isBlank() ? "http://127.0.0.1:8081" : baseUrl);
        publicUrl = publicUrl == null || publicUrl.isBlank() ? baseUrl : trim(publicUrl);
        dataSource = dataSource == null || dataSource.isBlank() ? null : dataSource;
        requestTimeout = requestTimeout == null ? Duration.ofSeconds(10) : requestTimeout;
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("vigil.guacamole.request-timeout must be positive");
        }
    }

    private static String trim(String url) {
        return url.replaceAll("/+$", "");
    }

    @Override
    public String toString() {
        return "GuacamoleProperties[baseUrl=" + baseUrl + ", username=" + username + ", password="
                + (password == null || password.isEmpty() ? "<none>" : "****") + ", dataSource="
                + dataSource + ", publicUrl=" + publicUrl + ", requestTimeout=" + requestTimeout + "]";
    }
}

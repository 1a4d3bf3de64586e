package io.vigil.command.proxmox;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
  * Where and how to reach the Proxmox VE API.
  *
  * @param baseUrl        API root, e.g. {@code https://pve.example.org:8006/api2/json}
  * @param tokenId        API token id {@code USER@REALM!TOKENID}; blank sends no Authorization
  * @param tokenSecret    the token's secret (UUID); never logged or printed
  * @param requestTimeout limit for one call, connect to last byte
  * @param insecureTls    accept any server certificate and host name, as needed for Proxmox's
  *                       default self-signed certificate; prefer a trusted certificate
  */
@ConfigurationProperties("vigil.proxmox")
public record ProxmoxProperties(@DefaultValue("http://127.0.0.1:8006/api2/json") String baseUrl,
                                                                String tokenId, String tokenSecret,
                                                                @DefaultValue("10s") Duration requestTimeout,
                                                                @DefaultValue("false") boolean insecureTls) {

    public ProxmoxProperties {
        baseUrl = baseUrl == null || baseUrl.isBlank() ? "http://127.0.0.1:8006/api2/json"
                : baseUrl.replaceAll("/+$", "");
        requestTimeout = requestTimeout == null ? Duration.ofSeconds(10) : requestTimeout;
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("vigil.proxmox.request-timeout must be positive");
        }
    }

    /** {@code PVEAPIToken=USER@REALM!TOKENID=SECRET}, or null when no token is configured. */
    String authorization() {
        if (tokenId == null || tokenId.isBlank()) {
            return null;
        }
        return "PVEAPIToken=" + tokenId + "=" + (tokenSecret == null ? "" : tokenSecret);
    }

    @Override
    public String toString() {
        return "ProxmoxProperties[baseUrl=" + baseUrl + ", tokenId=" + tokenId + ", tokenSecret="
                + (tokenSecret == null || tokenSecret.isEmpty() ? "<none>" : "****")
                + ", requestTimeout=" + requestTimeout + ", insecureTls=" + insecureTls + "]";
    }
}

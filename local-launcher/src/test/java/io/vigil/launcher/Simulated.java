package io.vigil.launcher;

import io.vigil.platform.test.TestServices;
import io.vigil.simulators.guacamole.GuacamoleSimulator;
import io.vigil.simulators.proxmox.ProxmoxSimulator;
import org.springframework.test.context.DynamicPropertyRegistry;

/** The whole system on the test services, pointed at in-process simulators, with retries in milliseconds. */
final class Simulated {
    static final String PROXMOX_TOKEN = "root@pam!vigil=s3cret";

    private Simulated() {
    }

    static void register(DynamicPropertyRegistry registry, ProxmoxSimulator proxmox, GuacamoleSimulator guacamole) {
        TestServices.register(registry);
        registry.add("vigil.proxmox.base-url", proxmox::baseUrl);
        registry.add("vigil.proxmox.token-id", () -> "root@pam!vigil");
        registry.add("vigil.proxmox.token-secret", () -> "s3cret");
        registry.add("vigil.guacamole.base-url", guacamole::baseUrl);
        registry.add("vigil.guacamole.username", () -> "guacadmin");
        registry.add("vigil.guacamole.password", () -> "guacadmin");
        registry.add("vigil.provisioning.guest-port-override", proxmox::guestPort);
        registry.add("vigil.provisioning.retry-backoff", () -> "100ms,200ms,300ms");
    }
}

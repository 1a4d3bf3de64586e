package io.vigil.command;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How sessions are admitted and provisioned.
 *
 * @param quotaPerUser         sessions one user may have provisioning, active, suspending or resuming at once
 * @param retryBackoff         waits before each retry of a failed step; one retry per entry, then the step gives up
 * @param pollInitial          first wait when Proxmox is not done yet; doubles each time up to {@code pollMax}
 * @param pollMax              longest wait between two polls
 * @param waitLimit            how long one step (a task, the boot) may take before it counts as a failure
 * @param guestProbeTimeout    TCP connect timeout when asking whether the guest answers on its port
 * @param guestPortOverride    probe and connect to this port instead of the protocol's (NAT'd labs, simulators)
 * @param acceptLoopbackGuests take a loopback address reported by a guest's agent as its address. Only for
 *                             simulated guests, which listen on the host's loopback; a real guest's loopback is
 *                             never reachable, so this stays off against a real cluster
 */
@ConfigurationProperties("vigil.provisioning")
public record ProvisioningProperties(
        @DefaultValue("2") int quotaPerUser,
        @DefaultValue({"10s", "30s", "60s"}) List<Duration> retryBackoff,
        @DefaultValue("50ms") Duration pollInitial,
        @DefaultValue("5s") Duration pollMax,
        @DefaultValue("120s") Duration waitLimit,
        @DefaultValue("1s") Duration guestProbeTimeout,
        Integer guestPortOverride,
        @DefaultValue("false") boolean acceptLoopbackGuests) {
}

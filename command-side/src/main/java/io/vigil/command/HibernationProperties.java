package io.vigil.command;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * When an idle session hibernates, and how long a resume may take.
 *
 * @param idleThreshold        no open Guacamole connection and no heartbeat for this long: the session is idle
 * @param warning              how long the "hibernating in N minutes" warning runs before the VM is suspended
 * @param activityPollInterval how often Guacamole's active connections are read and idle sessions looked for
 * @param resumeWaitLimit      how long a resumed VM may take to run and answer on its port before resume fails
 * @param resumePollMax        longest wait between two looks while resuming: someone is waiting, so the back-off
 *                             stays short (provisioning's {@code poll-max} of 5 s could add seconds to a resume)
 */
@ConfigurationProperties("vigil.hibernation")
public record HibernationProperties(
        @DefaultValue("10m") Duration idleThreshold,
        @DefaultValue("5m") Duration warning,
        @DefaultValue("15s") Duration activityPollInterval,
        @DefaultValue("30s") Duration resumeWaitLimit,
        @DefaultValue("500ms") Duration resumePollMax) {
}

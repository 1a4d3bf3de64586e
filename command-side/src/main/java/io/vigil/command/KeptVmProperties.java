package io.vigil.command;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * VMs kept for their owners after persistent sessions.
 *
 * @param retention how long a kept VM waits for its owner before it is deleted (each use starts it again)
 * @param perUser   how many VMs one user may keep; persistent sessions not started from a kept VM count too
 * @param shutdownTimeout how long a VM being kept gets to shut down cleanly (ACPI) before it is stopped hard
 */
@ConfigurationProperties("vigil.kept-vms")
public record KeptVmProperties(@DefaultValue("14d") Duration retention, @DefaultValue("2") int perUser,
                               @DefaultValue("60s") Duration shutdownTimeout) {
}

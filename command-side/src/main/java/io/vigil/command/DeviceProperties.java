package io.vigil.command;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Cameras ({@code vigil.devices.*}).
 *
 * @param defaultTimeZone the time zone of a device registered without one: its cron and windows are read in it
 * @param keyOverlap      how long the keys a device had stay valid after a new one is issued, unless the request
 *                        says otherwise: the time a fleet needs to switch over
 * @param maxKeyOverlap   the longest overlap a request may ask for
 */
@ConfigurationProperties("vigil.devices")
public record DeviceProperties(@DefaultValue("UTC") String defaultTimeZone,
                               @DefaultValue("24h") Duration keyOverlap,
                               @DefaultValue("30d") Duration maxKeyOverlap) {
}

package io.vigil.command;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param seed             register the default nodes and templates on a fresh install
 * @param seedNodes        how many nodes (pve-1..pve-N) to register
 * @param placementRefresh how often every template is looked up in the cluster (its node, its storage); a new or
 *                         changed template is looked up at once
 */
@ConfigurationProperties("vigil.registry")
public record RegistryProperties(@DefaultValue("true") boolean seed, @DefaultValue("7") int seedNodes,
                                 @DefaultValue("5m") Duration placementRefresh) {
}

package io.vigil.command;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param seed      register the default nodes and templates on a fresh install
 * @param seedNodes how many nodes (pve-1..pve-N) to register
 */
@ConfigurationProperties("vigil.registry")
public record RegistryProperties(@DefaultValue("true") boolean seed, @DefaultValue("7") int seedNodes) {
}

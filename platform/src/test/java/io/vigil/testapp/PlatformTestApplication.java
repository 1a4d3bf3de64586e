package io.vigil.testapp;

import io.vigil.platform.PlatformConfiguration;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Import;

/**
 * What a Vigil service is made of, minus its own controllers: the platform (security, error envelope, Axon on
 * PostgreSQL) with a few probe endpoints and handlers. Outside {@code io.vigil.platform} on purpose: the
 * platform scans its own packages, also in the other modules' tests that have this test jar on their class path.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(PlatformConfiguration.class)
@ComponentScan
public class PlatformTestApplication {
}

package io.vigil.bench;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;

/**
 * Both services in one Spring context, declared exactly as {@code io.vigil.launcher.VigilApplication} declares
 * them. A copy, because local-launcher's main artifact is its repackaged Spring Boot jar (classes under
 * {@code BOOT-INF/}), which another module cannot compile against. Keep the two in step.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@ComponentScan(basePackages = {"io.vigil.command", "io.vigil.query"},
        excludeFilters = @ComponentScan.Filter(type = FilterType.REGEX, pattern = "io\\.vigil\\.(command|query)\\.\\w+Application"))
@org.springframework.context.annotation.Import(BenchSink.class)
public class BenchApplication {
}

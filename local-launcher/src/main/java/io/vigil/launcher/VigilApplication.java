package io.vigil.launcher;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;

/** Both services in one Spring context: the command side and the query side, exactly as they run apart. */
@SpringBootConfiguration
@EnableAutoConfiguration
@ComponentScan(basePackages = {"io.vigil.command", "io.vigil.query"},
        excludeFilters = @ComponentScan.Filter(type = FilterType.REGEX, pattern = "io\\.vigil\\.(command|query)\\.\\w+Application"))
public class VigilApplication {
}

package io.vigil.command;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The command side on its own: aggregates, sagas, deadlines and the command HTTP API. */
@SpringBootApplication
public class CommandSideApplication {
    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(CommandSideApplication.class);
        // HiveMQ CE's jar carries a logback.xml that would otherwise replace Spring Boot's console format
        app.setDefaultProperties(java.util.Map.of("logging.config", "classpath:io/vigil/platform/logback.xml"));
        app.run(args);
    }
}

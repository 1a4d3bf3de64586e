package io.vigil.query;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.PropertySource;

/**
 * The query side on its own: projections, the read API and live session updates. It runs no deadline scheduler
 * (vigil-query-service.properties): deadlines belong to the command side's sessions and sagas, and a query
 * instance polling the shared {@code scheduled_tasks} would take them and find nobody to deliver them to.
 */
@SpringBootApplication
@PropertySource("classpath:vigil-query-service.properties")
public class QuerySideApplication {
    public static void main(String[] args) {
        SpringApplication.run(QuerySideApplication.class, args);
    }
}

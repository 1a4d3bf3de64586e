package io.vigil.query;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The query side on its own: projections, the read API and live session updates. */
@SpringBootApplication
public class QuerySideApplication {
    public static void main(String[] args) {
        SpringApplication.run(QuerySideApplication.class, args);
    }
}

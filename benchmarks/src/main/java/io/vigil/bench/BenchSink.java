package io.vigil.bench;

import io.vigil.command.device.DeviceSecurityConfiguration;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The upload benchmark's baseline: a trivial endpoint on the same server that reads a body of any size and answers
 * a small JSON, so "a bare HTTP POST of the same bytes" costs what HTTP, Netty and WebFlux cost and nothing else.
 */
@RestController
class BenchSink {
    static final String PATH = "/bench/sink";

    @PostMapping(PATH)
    Mono<Map<String, Object>> sink(ServerWebExchange exchange) {
        return DataBufferUtils.join(exchange.getRequest().getBody())
                .map(buffer -> {
                    int size = buffer.readableByteCount();
                    DataBufferUtils.release(buffer);
                    return Map.<String, Object>of("received", size);
                });
    }

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE + 1)
    SecurityWebFilterChain benchSinkChain(ServerHttpSecurity http) {
        return DeviceSecurityConfiguration.withoutJwt(http, PATH);
    }
}

package io.vigil.platform.web;

import org.springframework.http.HttpStatus;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Spring Security's firewall refuses paths with an encoded {@code /}, {@code %}, {@code .} or backslash,
 * {@code //}, {@code ;}, {@code ..}, NUL or line breaks (each a way to make two components read one path
 * differently). It answers an empty 400 unless there is exactly one bean like this one.
 */
@Component
class FirewallRejectionHandler implements ServerExchangeRejectedHandler {
    private final ApiErrorWriter errors;

    FirewallRejectionHandler(ApiErrorWriter errors) {
        this.errors = errors;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, ServerExchangeRejectedException rejection) {
        return errors.write(exchange, HttpStatus.BAD_REQUEST, "invalid_path",
                "The path contains an encoded slash, percent sign, dot or backslash, an empty segment, '..', ';',"
                        + " or a control character; none of them is allowed");
    }
}

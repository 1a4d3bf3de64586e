package io.vigil.command;

import io.vigil.platform.axon.ActorCorrelationProvider;
import io.vigil.platform.security.CurrentUser;
import java.util.Map;
import java.util.UUID;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.messaging.MetaData;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Sends a command for an HTTP caller: with who acted and the request's correlation id as metadata, and off the
 * event loop, because the command bus runs the handler and the JDBC append on the calling thread.
 */
@Component
public class CommandDispatcher {
    public static final String CORRELATION_HEADER = "X-Correlation-Id";
    private final CommandGateway commands;

    public CommandDispatcher(CommandGateway commands) {
        this.commands = commands;
    }

    public <R> Mono<R> send(Object command, CurrentUser user, ServerWebExchange exchange) {
        String correlation = exchange.getRequest().getHeaders().getFirst(CORRELATION_HEADER);
        if (correlation == null || correlation.isBlank() || correlation.length() > 100) {
            correlation = UUID.randomUUID().toString();
        }
        MetaData metaData = MetaData.from(Map.of(
                ActorCorrelationProvider.USER_ID, user.id().value(),
                ActorCorrelationProvider.CORRELATION_ID, correlation));
        var message = GenericCommandMessage.asCommandMessage(command).andMetaData(metaData);
        return Mono.fromCallable(() -> commands.<R>sendAndWait(message)).subscribeOn(Schedulers.boundedElastic());
    }
}

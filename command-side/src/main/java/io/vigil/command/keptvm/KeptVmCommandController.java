package io.vigil.command.keptvm;

import io.vigil.command.CommandDispatcher;
import io.vigil.core.keptvm.DeleteKeptVm;
import io.vigil.core.keptvm.KeptVmId;
import io.vigil.platform.security.CurrentUser;
import java.net.URI;
import java.util.Locale;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Deleting a VM kept from a persistent session (its owner, or an admin). Listing them is the query side's
 * ({@code GET /api/v1/vms}); starting a session from one is {@code POST /api/v1/sessions} with {@code from_vm}.
 */
@RestController
class KeptVmCommandController {
    private final CommandDispatcher dispatcher;

    KeptVmCommandController(CommandDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    @DeleteMapping("/api/v1/vms/{id}")
    Mono<ResponseEntity<KeptVmState>> delete(@PathVariable String id, @AuthenticationPrincipal Jwt jwt,
                                             ServerWebExchange exchange) {
        CurrentUser user = CurrentUser.of(jwt);
        return dispatcher.send(new DeleteKeptVm(new KeptVmId(id), user.id(), user.admin()), user, exchange)
                .map(state -> ResponseEntity.accepted().location(URI.create("/api/v1/vms/" + id))
                        .body(new KeptVmState(id, String.valueOf(state).toLowerCase(Locale.ROOT))));
    }

    record KeptVmState(String id, String status) {
    }
}

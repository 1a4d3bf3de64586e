package io.vigil.command.reconcile;

import io.vigil.core.reconcile.ReconciliationReport;
import io.vigil.platform.security.CurrentUser;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** An admin runs the reconciler now and reads what it found and removed. Admin-only by the rules on /api/v1/admin/**. */
@RestController
class ReconcileController {
    private final Reconciler reconciler;

    ReconcileController(Reconciler reconciler) {
        this.reconciler = reconciler;
    }

    @PostMapping("/api/v1/admin/reconcile")
    Mono<ReconciliationReport> reconcile(@AuthenticationPrincipal Jwt jwt) {
        CurrentUser user = CurrentUser.of(jwt);
        // blocking calls to Proxmox, Guacamole and the database: never on the event loop
        return Mono.fromCallable(() -> reconciler.run("admin:" + user.id().value(), user.id()))
                .subscribeOn(Schedulers.boundedElastic());
    }
}

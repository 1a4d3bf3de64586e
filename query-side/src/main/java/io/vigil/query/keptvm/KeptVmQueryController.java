package io.vigil.query.keptvm;

import io.vigil.platform.security.CurrentUser;
import io.vigil.query.QueryParameters;
import io.vigil.query.keptvm.KeptVmView.AdminKeptVmView;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;

/**
 * The VMs kept from persistent sessions: {@code GET /api/v1/vms} lists the caller's own (an admin's too: everyone's
 * is {@code GET /api/v1/admin/vms}). Deleted ones are not listed.
 */
@RestController
class KeptVmQueryController {
    private final DatabaseClient db;
    private final QueryParameters parameters;

    KeptVmQueryController(DatabaseClient db, QueryParameters parameters) {
        this.db = db;
        this.parameters = parameters;
    }

    @GetMapping("/api/v1/vms")
    Flux<KeptVmView> mine(@AuthenticationPrincipal Jwt jwt) {
        return db.sql("SELECT * FROM kept_vm_view WHERE owner = :owner AND status <> 'deleted' ORDER BY kept_at DESC")
                .bind("owner", CurrentUser.of(jwt).id().value())
                .map(KeptVmView::from).all();
    }

    @GetMapping("/api/v1/admin/vms")
    Flux<AdminKeptVmView> all(@RequestParam(required = false) String user, @RequestParam(required = false) String limit) {
        String owner = QueryParameters.optionalText(user, "user", 200);
        var spec = db.sql("SELECT * FROM kept_vm_view" + (owner == null ? "" : " WHERE owner = :owner")
                + " ORDER BY kept_at DESC LIMIT :limit").bind("limit", parameters.limit(limit));
        if (owner != null) {
            spec = spec.bind("owner", owner);
        }
        return spec.map(AdminKeptVmView::from).all();
    }
}

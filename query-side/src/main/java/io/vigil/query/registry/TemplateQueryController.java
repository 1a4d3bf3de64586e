package io.vigil.query.registry;

import io.vigil.platform.security.CurrentUser;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;

/**
 * The catalogue users pick from. Admins see every template, inactive ones and Proxmox template ids included,
 * because they manage it; everyone else sees what can be requested now: the active ones.
 */
@RestController
class TemplateQueryController {
    private final DatabaseClient db;

    TemplateQueryController(DatabaseClient db) {
        this.db = db;
    }

    @GetMapping("/api/v1/templates")
    Flux<TemplateView> templates(@AuthenticationPrincipal Jwt jwt) {
        boolean admin = CurrentUser.of(jwt).admin();
        String where = admin ? "" : " WHERE active";
        return db.sql("SELECT * FROM template_view" + where + " ORDER BY name, template_id")
                .map(row -> TemplateView.from(row, admin))
                .all();
    }
}

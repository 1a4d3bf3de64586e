package io.vigil.platform.security;

import io.vigil.core.Check;
import io.vigil.core.DomainException;
import io.vigil.core.OrgId;
import java.util.LinkedHashSet;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Tokens for anyone, for any role: exists only where {@code vigil.security.dev-tokens=true} (the local run with
 * its simulators), and even there answers only callers on this machine ({@link DevTokenLoopbackFilter}).
 */
@RestController
@ConditionalOnProperty(name = "vigil.security.dev-tokens", havingValue = "true")
class DevTokenController {
    private final TokenIssuer issuer;

    DevTokenController(TokenIssuer issuer) {
        this.issuer = issuer;
    }

    @PostMapping("/api/v1/dev/tokens")
    @ResponseStatus(HttpStatus.CREATED)
    TokenIssuer.IssuedToken issue(ServerHttpRequest http, @RequestBody(required = false) TokenRequest request) {
        if (!DevTokenLoopbackFilter.fromLoopback(http)) {
            throw DevTokenLoopbackFilter.notFound();
        }
        if (request == null) {
            throw DomainException.invalid("invalid_body", "a JSON body {\"user\", \"roles\", \"org\"?} is required");
        }
        Check.matches(request.user(), "[A-Za-z0-9._@-]{1,100}", "user", "must be 1-100 letters, digits or . _ @ -");
        if (request.roles() == null || request.roles().isEmpty()) {
            throw DomainException.invalid("invalid_roles", "roles must name at least one of engineer, admin, auditor");
        }
        var roles = new LinkedHashSet<Role>();
        request.roles().forEach(r -> roles.add(Role.parse(r)));
        return issuer.issue(request.user(), roles, request.org() == null ? OrgId.DEFAULT : new OrgId(request.org()));
    }

    /** {@code org}: the organisation the token acts for (its devices); {@code default} when absent. */
    record TokenRequest(String user, List<String> roles, String org) {
    }
}

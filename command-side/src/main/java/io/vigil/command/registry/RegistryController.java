package io.vigil.command.registry;

import io.vigil.command.CommandDispatcher;
import io.vigil.core.Check;
import io.vigil.core.DomainException;
import io.vigil.core.node.ChangeNode;
import io.vigil.core.node.NodeName;
import io.vigil.core.node.NodeSpec;
import io.vigil.core.node.NodeStatus;
import io.vigil.core.node.RegisterNode;
import io.vigil.core.template.ChangeTemplate;
import io.vigil.core.template.OsType;
import io.vigil.core.template.Protocol;
import io.vigil.core.template.RegisterTemplate;
import io.vigil.core.template.TemplateId;
import io.vigil.core.template.TemplateSpec;
import io.vigil.platform.security.CurrentUser;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** Admins register and change templates and nodes; each change is an event, so the registry is auditable. */
@RestController
@RequestMapping("/api/v1/admin")
class RegistryController {
    private final CommandDispatcher dispatcher;

    RegistryController(CommandDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    @PostMapping("/templates")
    Mono<ResponseEntity<TemplateBody>> registerTemplate(@RequestBody(required = false) TemplateBody body,
                                                        @AuthenticationPrincipal Jwt jwt, ServerWebExchange exchange) {
        TemplateBody b = required(body);
        TemplateId id = new TemplateId(b.id() != null ? b.id() : slug(b.name()));
        var command = new RegisterTemplate(id, b.spec());
        return dispatcher.send(command, CurrentUser.of(jwt), exchange).thenReturn(ResponseEntity
                .created(URI.create("/api/v1/templates/" + id)).body(b.withId(id.value())));
    }

    @PutMapping("/templates/{id}")
    Mono<TemplateBody> changeTemplate(@PathVariable String id, @RequestBody(required = false) TemplateBody body,
                                      @AuthenticationPrincipal Jwt jwt, ServerWebExchange exchange) {
        TemplateBody b = required(body);
        return dispatcher.send(new ChangeTemplate(new TemplateId(id), b.spec()), CurrentUser.of(jwt), exchange)
                .thenReturn(b.withId(id));
    }

    @PostMapping("/nodes")
    Mono<ResponseEntity<NodeBody>> registerNode(@RequestBody(required = false) NodeBody body,
                                                @AuthenticationPrincipal Jwt jwt, ServerWebExchange exchange) {
        NodeBody b = required(body);
        NodeName name = new NodeName(b.name());
        return dispatcher.send(new RegisterNode(name, b.spec()), CurrentUser.of(jwt), exchange)
                .thenReturn(ResponseEntity.created(URI.create("/api/v1/admin/nodes/" + name)).body(b.normalized()));
    }

    @PutMapping("/nodes/{name}")
    Mono<NodeBody> changeNode(@PathVariable String name, @RequestBody(required = false) NodeBody body,
                              @AuthenticationPrincipal Jwt jwt, ServerWebExchange exchange) {
        NodeBody b = required(body).withName(name);
        return dispatcher.send(new ChangeNode(new NodeName(name), b.spec()), CurrentUser.of(jwt), exchange)
                .thenReturn(b.normalized());
    }

    private static <T> T required(T body) {
        if (body == null) {
            throw DomainException.invalid("invalid_body", "a JSON body is required");
        }
        return body;
    }

    static String slug(String name) {
        if (name == null) {
            throw DomainException.invalid("invalid_name", "name is required");
        }
        String slug = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        return slug.length() > 63 ? slug.substring(0, 63) : slug;
    }

    /** {@code node}: the Proxmox node the template VM lives on; when absent, Vigil finds it in the cluster. */
    record TemplateBody(String id, String name, String osType, String protocol, Integer proxmoxVmid, Integer cpuCores,
                        Integer ramMb, Integer diskGb, List<String> tags, Boolean active, String node) {
        TemplateSpec spec() {
            if (proxmoxVmid == null) {
                throw DomainException.invalid("invalid_proxmox_vmid", "proxmox_vmid (the template's VMID) is required");
            }
            return new TemplateSpec(name, Check.oneOf(OsType.class, osType, "os_type"), Check.oneOf(Protocol.class, protocol, "protocol"),
                    proxmoxVmid, cpuCores == null ? TemplateSpec.DEFAULT_CPU_CORES : cpuCores,
                    ramMb == null ? TemplateSpec.DEFAULT_RAM_MB : ramMb, diskGb == null ? TemplateSpec.DEFAULT_DISK_GB : diskGb,
                    tags, active == null || active, node == null || node.isBlank() ? null : new NodeName(node));
        }

        TemplateBody withId(String newId) {
            TemplateSpec s = spec();
            return new TemplateBody(newId, s.name(), s.osType().name().toLowerCase(Locale.ROOT), s.protocol().wireName(),
                    s.proxmoxVmid(), s.cpuCores(), s.ramMb(), s.diskGb(), s.tags(), s.active(),
                    s.node() == null ? null : s.node().value());
        }
    }

    record NodeBody(String name, String hostname, String status, Integer maxVms) {
        NodeSpec spec() {
            return new NodeSpec(hostname, status == null ? NodeStatus.ONLINE : Check.oneOf(NodeStatus.class, status, "status"),
                    maxVms == null ? NodeSpec.DEFAULT_MAX_VMS : maxVms);
        }

        NodeBody withName(String newName) {
            return new NodeBody(newName, hostname, status, maxVms);
        }

        NodeBody normalized() {
            NodeSpec s = spec();
            return new NodeBody(name, s.hostname(), s.status().name().toLowerCase(Locale.ROOT), s.maxVms());
        }
    }
}

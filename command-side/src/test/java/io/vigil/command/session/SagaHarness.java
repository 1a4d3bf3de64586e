package io.vigil.command.session;

import io.vigil.command.HibernationProperties;
import io.vigil.command.KeptVmProperties;
import io.vigil.command.ProvisioningProperties;
import io.vigil.command.proxmox.VmStatus;
import io.vigil.command.guacamole.GuacamoleClient;
import io.vigil.command.guacamole.GuacamoleProperties;
import io.vigil.command.proxmox.ProxmoxClient;
import io.vigil.command.proxmox.ProxmoxProperties;
import io.vigil.core.UserId;
import io.vigil.core.node.NodeName;
import io.vigil.core.session.SessionId;
import io.vigil.core.session.SessionRequested;
import io.vigil.core.session.SessionType;
import io.vigil.core.template.OsType;
import io.vigil.core.template.Protocol;
import io.vigil.core.template.TemplateId;
import io.vigil.core.template.TemplateSpec;
import io.vigil.simulators.guacamole.GuacamoleSimConfig;
import io.vigil.simulators.guacamole.GuacamoleSimulator;
import io.vigil.simulators.proxmox.ProxmoxSimConfig;
import io.vigil.simulators.proxmox.ProxmoxSimulator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Supplier;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.test.saga.SagaTestFixture;
import org.springframework.web.reactive.function.client.WebClient;

/** Saga fixtures wired to the real clients, talking HTTP to in-process simulators; time is the fixture's. */
final class SagaHarness implements AutoCloseable {
    /** Where sessions run; templates live on {@link #TEMPLATE_NODE} (shared storage), so clones name a target. */
    static final NodeName NODE = new NodeName("pve-2");
    static final NodeName TEMPLATE_NODE = new NodeName("pve-1");
    static final TemplateSpec UBUNTU = new TemplateSpec("Ubuntu 22.04", OsType.LINUX, Protocol.SSH, 9001, 2, 4096, 32, List.of(), true);
    static final ProvisioningProperties PROPERTIES = new ProvisioningProperties(2,
            List.of(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60)),
            Duration.ofMillis(50), Duration.ofSeconds(5), Duration.ofSeconds(120), Duration.ofSeconds(1), null, true);
    static final KeptVmProperties KEPT_VMS = new KeptVmProperties(Duration.ofDays(14), 2, Duration.ofSeconds(60));

    static final HibernationProperties HIBERNATION = new HibernationProperties(Duration.ofMinutes(10), Duration.ofMinutes(5),
            Duration.ofSeconds(15), Duration.ofSeconds(30), Duration.ofMillis(500));

    final ProxmoxSimulator proxmox = ProxmoxSimulator.start(ProxmoxSimConfig.defaults());
    final GuacamoleSimulator guacamole = GuacamoleSimulator.start(GuacamoleSimConfig.defaults());
    final VmOperations operations;

    SagaHarness() {
        ProvisioningProperties properties = new ProvisioningProperties(PROPERTIES.quotaPerUser(), PROPERTIES.retryBackoff(),
                PROPERTIES.pollInitial(), PROPERTIES.pollMax(), PROPERTIES.waitLimit(), PROPERTIES.guestProbeTimeout(),
                proxmox.guestPort(), true);
        operations = new VmOperations(
                new ProxmoxClient(new ProxmoxProperties(proxmox.baseUrl(), "root@pam!vigil", "x", Duration.ofSeconds(5), false), WebClient.builder()),
                new GuacamoleClient(new GuacamoleProperties(guacamole.baseUrl(), "guacadmin", "guacadmin", null, null, Duration.ofSeconds(5)), WebClient.builder()),
                properties, KEPT_VMS, vmidSequence());
    }

    /** The VMID sequence lives in PostgreSQL, as in production: a fresh database with the command side's migration. */
    private static org.springframework.jdbc.core.JdbcTemplate vmidSequence() {
        var jdbc = new org.springframework.jdbc.core.JdbcTemplate(new org.springframework.jdbc.datasource.SimpleDriverDataSource(
                new org.postgresql.Driver(), io.vigil.platform.test.TestServices.freshDatabase(), "postgres", ""));
        try (var sql = SagaHarness.class.getResourceAsStream("/db/vigil/command/V101__vmid_sequence.sql")) {
            jdbc.execute(new String(sql.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        jdbc.execute("CREATE SEQUENCE vigil_kept_vm START WITH 1");
        return jdbc;
    }

    <T> SagaTestFixture<T> fixture(Class<T> saga) {
        SagaTestFixture<T> fixture = new SagaTestFixture<>(saga);
        fixture.registerCommandGateway(CommandGateway.class);
        fixture.registerResource(operations);
        fixture.registerResource(PROPERTIES);
        fixture.registerResource(HIBERNATION);
        fixture.registerResource(KEPT_VMS);
        fixture.registerResource(new FixtureClock(fixture::currentTime));
        return fixture;
    }

    /** A stopped VM named {@code name} on {@link #NODE}, cloned from the template as provisioning does. */
    int clonedVm(String name) {
        int vmid = operations.nextVmId();
        awaitTask(operations.cloneOrFindOurs(TEMPLATE_NODE.value(), UBUNTU.proxmoxVmid(), vmid, name, "test", NODE.value()));
        return vmid;
    }

    /** A running VM named for the session, with its Guacamole connection: what an active session holds. */
    RunningVm runningVm(SessionId id) {
        int vmid = clonedVm(id.vmName());
        awaitTask(operations.start(NODE.value(), vmid));
        org.awaitility.Awaitility.await().until(() -> operations.guestAddress(NODE.value(), vmid).isPresent());
        String connection = operations.connect(id.vmName(), Protocol.SSH, "127.0.0.1", proxmox.guestPort());
        return new RunningVm(vmid, connection);
    }

    /** The session's VM as hibernation leaves it: suspended to disk, no connection. */
    int hibernatedVm(SessionId id) {
        RunningVm vm = runningVm(id);
        awaitTask(operations.suspendToDisk(NODE.value(), vm.vmid()));
        operations.disconnect(vm.connectionId());
        return vm.vmid();
    }

    /** An admin migrates the VM (online if it runs), as the Proxmox UI does; waits for the task. */
    void migrate(int vmid, String from, String to) {
        String body = WebClient.create(proxmox.baseUrl()).post().uri("/nodes/{node}/qemu/{vmid}/migrate", from, vmid)
                .contentType(org.springframework.http.MediaType.APPLICATION_FORM_URLENCODED)
                .bodyValue("target=" + to + "&online=1").retrieve().bodyToMono(String.class).block(Duration.ofSeconds(5));
        var upid = java.util.regex.Pattern.compile("\"data\"\\s*:\\s*\"([^\"]+)\"").matcher(body);
        if (!upid.find()) {
            throw new IllegalStateException("no task in " + body);
        }
        awaitTask(upid.group(1));
    }

    VmStatus status(int vmid) {
        return operations.status(NODE.value(), vmid).orElseThrow();
    }

    void awaitTask(String upid) {
        if (upid != null) {
            org.awaitility.Awaitility.await().until(() -> operations.task(upid).finished());
        }
    }

    record RunningVm(int vmid, String connectionId) {
    }

    static SessionRequested requested(SessionId id) {
        Instant now = Instant.now();
        return new SessionRequested(id, new UserId("alice"), new TemplateId("ubuntu-22-04"), UBUNTU, NODE, 60,
                SessionType.EPHEMERAL, now, now.plus(Duration.ofMinutes(60)), TEMPLATE_NODE, null, null);
    }

    @Override
    public void close() {
        proxmox.close();
        guacamole.close();
    }

    /** The saga's clock follows the fixture's, so wait limits and deadlines move together. */
    static final class FixtureClock extends Clock {
        private final Supplier<Instant> now;

        FixtureClock(Supplier<Instant> now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }
}

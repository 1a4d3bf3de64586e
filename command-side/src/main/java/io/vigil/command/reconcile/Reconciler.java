package io.vigil.command.reconcile;

import io.vigil.command.ReconcileProperties;
import io.vigil.command.guacamole.GuacamoleClient;
import io.vigil.command.proxmox.ClusterVm;
import io.vigil.command.proxmox.TaskStatus;
import io.vigil.command.session.VmOperations;
import io.vigil.command.session.VmOperations.Removal;
import io.vigil.core.DomainException;
import io.vigil.core.UserId;
import io.vigil.core.reconcile.Finding;
import io.vigil.core.reconcile.RecordOrphanRemoved;
import io.vigil.core.reconcile.RecordReconciliation;
import io.vigil.core.reconcile.ReconciliationReport;
import io.vigil.core.session.HandOverTeardown;
import io.vigil.core.session.RecordVmLost;
import io.vigil.core.session.SessionId;
import io.vigil.platform.axon.ActorCorrelationProvider;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.messaging.MetaData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Finds and removes what no live session or kept VM holds: {@code vigil-*} VMs in Proxmox and Vigil's Guacamole
 * connections (left by a teardown that gave up, a crash of an older version, a database restored from a backup),
 * and ends the sessions whose VM disappeared outside Vigil. Each removal is an event the moment it is done; the
 * run's report is one too.
 * <p>
 * What is held is read after the cluster is listed: a VMID is recorded before its clone starts, so every VM the
 * listing shows is already held in what is read next, and a live session's new VM is never taken for an orphan. A
 * VM named for a session that is not over is held too, whatever VMID it has (sessions of an older version have
 * none recorded). A VM without a name in the listing (a clone in progress, or one the nodes' statistics have not
 * seen yet) is left for the next run. If the cluster cannot be listed, no VM is removed and no session ended as
 * lost; connections and stuck endings are still seen to.
 * <p>
 * A session counts as lost only if it was settled (active, hibernating) before the listing, still is after it,
 * and its VM is still missing when looked for once more: a session that became active while the run listed the
 * cluster has a VM the listing could not show.
 * <p>
 * One run at a time in the whole cluster: a run holds a PostgreSQL advisory lock for as long as it lasts, so the
 * periodic run (one instance at a time already) and an admin's run on any instance never act on the same orphan
 * at once, and never record one removal twice.
 */
@Component
public class Reconciler {
    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);
    private static final String PREFIX = "vigil-";
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration LOOK_AGAIN = Duration.ofMillis(200);
    /** The advisory lock a run holds, cluster-wide; admission's is another ("VIGIL"). */
    static final long RECONCILE_LOCK = 0x56_49_47_49_4C_52L; // "VIGILR"
    private final VmOperations vms;
    private final GuacamoleClient guacamole;
    private final JdbcTemplate jdbc;
    private final CommandGateway commands;
    private final ReconcileProperties properties;
    private final Clock clock;

    public Reconciler(VmOperations vms, GuacamoleClient guacamole, JdbcTemplate jdbc, CommandGateway commands,
                      ReconcileProperties properties, Clock clock) {
        this.vms = vms;
        this.guacamole = guacamole;
        this.jdbc = jdbc;
        this.commands = commands;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * One run, now; {@code trigger} says who asked ({@code scheduled}, {@code admin:<user>}). Refused (409
     * {@code reconcile_running}) while another run is in progress on any instance.
     */
    public ReconciliationReport run(String trigger, UserId actor) {
        return runIfFree(trigger, actor).orElseThrow(() -> DomainException.conflict("reconcile_running",
                "A reconciliation runs already; try again when it is over"));
    }

    /**
     * One run, now, unless another is in progress on any instance (then nothing is done and the answer is empty).
     * <p>
     * The lock is session-level, on a connection of its own held for the whole run: a run is not one transaction
     * (it calls Proxmox and Guacamole and sends commands between its reads), so a transaction-level lock would
     * cover only a part of it. It is released before the connection goes back to the pool, where it would
     * otherwise stay held; a connection that cannot release it is aborted, which ends its session and the lock.
     */
    public Optional<ReconciliationReport> runIfFree(String trigger, UserId actor) {
        DataSource dataSource = Objects.requireNonNull(jdbc.getDataSource(), "the reconciler needs a DataSource");
        try (Connection lock = dataSource.getConnection()) {
            if (!advisory(lock, "pg_try_advisory_lock")) {
                log.info("Reconciliation ({}) not started: another run is in progress", trigger);
                return Optional.empty();
            }
            try {
                return Optional.of(reconcile(trigger, actor));
            } finally {
                release(lock);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("The reconciliation lock could not be taken: " + e.getMessage(), e);
        }
    }

    private static boolean advisory(Connection connection, String function) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT " + function + "(?)")) {
            statement.setLong(1, RECONCILE_LOCK);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static void release(Connection lock) {
        try {
            if (advisory(lock, "pg_advisory_unlock")) {
                return;
            }
            log.error("Reconciliation lock was not held at the end of the run; its connection is dropped");
        } catch (SQLException e) {
            log.error("Reconciliation lock could not be released ({}); its connection is dropped", e.getMessage());
        }
        try {
            lock.abort(Runnable::run);
        } catch (SQLException e) {
            log.error("Reconciliation lock's connection could not be aborted: {}", e.getMessage());
        }
    }

    private ReconciliationReport reconcile(String trigger, UserId actor) {
        String runId = UUID.randomUUID().toString();
        Instant started = clock.instant();
        List<String> errors = new ArrayList<>();
        Map<SessionId, LiveSession> settledBefore = held().settled;
        List<ClusterVm> cluster = null;
        List<GuacamoleClient.Connection> connections = null;
        try {
            cluster = vms.clusterVms();
        } catch (RuntimeException e) {
            errors.add("Proxmox cluster could not be listed: " + e.getMessage());
        }
        try {
            connections = guacamole.connections().block(CALL_TIMEOUT);
        } catch (RuntimeException e) {
            errors.add("Guacamole connections could not be listed: " + e.getMessage());
        }
        Held held = held();
        List<Finding> findings = Collections.synchronizedList(new ArrayList<>());
        int vmsSeen = 0;
        if (cluster != null) {
            List<ClusterVm> ours = cluster.stream().filter(vm -> !vm.template() && vm.name() != null
                    && vm.name().startsWith(PREFIX)).toList();
            vmsSeen = ours.size();
            List<ClusterVm> orphans = ours.stream()
                    .filter(vm -> !held.vmids.contains(vm.vmid()) && !held.vmNames.contains(vm.name())).toList();
            Flux.fromIterable(orphans)
                    .flatMap(vm -> Mono.fromCallable(() -> removeOrphan(vm)).subscribeOn(Schedulers.boundedElastic()), 4)
                    .doOnNext(f -> recordIfRemoved(runId, f, actor))
                    .doOnNext(findings::add)
                    .blockLast();
            findings.addAll(endLostSessions(cluster, settledBefore, held, actor));
        }
        int connectionsSeen = 0;
        if (connections != null) {
            for (GuacamoleClient.Connection c : connections) {
                if (c.name() == null || !c.name().startsWith(PREFIX)) {
                    continue;
                }
                connectionsSeen++;
                if (!held.connectionNames.contains(c.name())) {
                    Finding removed = removeConnection(c);
                    recordIfRemoved(runId, removed, actor);
                    findings.add(removed);
                }
            }
        }
        findings.addAll(handOverStuckEndings(actor));
        ReconciliationReport report = new ReconciliationReport(runId, trigger, started, clock.instant(), vmsSeen,
                connectionsSeen, findings, errors);
        if (!findings.isEmpty() || !errors.isEmpty() || !"scheduled".equals(trigger)) {
            send(new RecordReconciliation(runId, report), actor);
        }
        if (!findings.isEmpty()) {
            log.warn("Reconciliation {} ({}): {}", runId, trigger, findings);
        }
        return report;
    }

    /**
     * What live sessions and kept VMs hold now: VMIDs, the names of their VMs, and the names of the connections
     * sessions may have.
     */
    private Held held() {
        Set<Integer> vmids = new HashSet<>(jdbc.queryForList(
                "SELECT vmid FROM admission_session WHERE state <> 'GONE' AND vmid IS NOT NULL", Integer.class));
        Set<String> vmNames = new HashSet<>();
        jdbc.query("SELECT kept_vm_id, vmid FROM admission_kept_vm WHERE state <> 'DELETED'", rs -> {
            vmids.add(rs.getInt("vmid"));
            vmNames.add(rs.getString("kept_vm_id"));
        });
        Set<String> names = new HashSet<>();
        Map<SessionId, LiveSession> live = new HashMap<>();
        jdbc.query("SELECT session_id, state, vmid, node FROM admission_session WHERE state <> 'GONE'", rs -> {
            SessionId id = new SessionId(rs.getString("session_id"));
            String state = rs.getString("state");
            vmNames.add(id.vmName());
            if (!"HIBERNATING".equals(state)) {
                names.add(id.vmName());
            }
            Integer vmid = (Integer) rs.getObject("vmid");
            if (vmid != null && ("ACTIVE".equals(state) || "HIBERNATING".equals(state))) {
                live.put(id, new LiveSession(id, vmid, rs.getString("node")));
            }
        });
        return new Held(vmids, vmNames, names, live);
    }

    private record Held(Set<Integer> vmids, Set<String> vmNames, Set<String> connectionNames,
                        Map<SessionId, LiveSession> settled) {
    }

    /** A removal is on record the moment it is done; failing to record it does not stop the run. */
    private void recordIfRemoved(String runId, Finding finding, UserId actor) {
        if (!Finding.REMOVED.equals(finding.outcome())) {
            return;
        }
        try {
            send(new RecordOrphanRemoved(runId, finding), actor);
        } catch (RuntimeException e) {
            log.error("Reconciliation {}: removal of {} {} could not be recorded: {}", runId, finding.kind(),
                    finding.name(), e.getMessage());
        }
    }

    private record LiveSession(SessionId id, int vmid, String node) {
    }

    /**
     * Stops (if it runs) and destroys one orphan, following each task; bounded by the removal timeout. An orphan
     * found gone, or renamed, at the first look was not removed by this run.
     */
    private Finding removeOrphan(ClusterVm orphan) {
        String why = "no live session or kept VM holds VMID " + orphan.vmid();
        Instant giveUp = clock.instant().plus(properties.removalTimeout());
        String task = null;
        boolean acted = false;
        try {
            while (clock.instant().isBefore(giveUp)) {
                if (task != null) {
                    TaskStatus status = vms.task(task);
                    if (!status.finished()) {
                        pause();
                        continue;
                    }
                    task = null;
                    if (!status.succeeded()) {
                        throw new IllegalStateException("Proxmox task failed: " + status.exitStatus());
                    }
                }
                Removal step = vms.removalStep(orphan.vmid(), Set.of(orphan.name()), null);
                if (step instanceof Removal.Done done) {
                    if (done.outcome() == Removal.Outcome.NOT_OURS) {
                        // renamed meanwhile (kept for its owner, say): someone else's now, and not removed
                        return vmFinding(orphan, Finding.LEFT_ALONE, why + "; " + done.how());
                    }
                    if (!acted) {
                        return vmFinding(orphan, Finding.ALREADY_GONE, why + "; " + done.how());
                    }
                    log.info("Reconciler removed orphan VM {} ({}) on {}: {}", orphan.vmid(), orphan.name(), orphan.node(), done.how());
                    return vmFinding(orphan, Finding.REMOVED, why);
                }
                if (step instanceof Removal.Task started) {
                    task = started.upid();
                    acted = true;
                }
                pause();
            }
            return vmFinding(orphan, Finding.REMOVE_FAILED, why + "; not gone after " + properties.removalTimeout().toSeconds() + " s");
        } catch (RuntimeException e) {
            return vmFinding(orphan, Finding.REMOVE_FAILED, why + "; " + e.getMessage());
        }
    }

    private static Finding vmFinding(ClusterVm vm, String outcome, String detail) {
        return new Finding(Finding.VM, vm.name(), null, vm.node(), vm.vmid(), outcome, detail);
    }

    private static void pause() {
        Mono.delay(LOOK_AGAIN).block();
    }

    /**
     * Active and hibernating sessions (no saga works on them) whose VM the cluster no longer has: settled before
     * the listing and after it with the same VM, and still missing at a last look.
     */
    private List<Finding> endLostSessions(List<ClusterVm> cluster, Map<SessionId, LiveSession> settledBefore,
                                          Held held, UserId actor) {
        Set<Integer> present = new HashSet<>();
        cluster.forEach(vm -> present.add(vm.vmid()));
        List<Finding> findings = new ArrayList<>();
        for (LiveSession s : settledBefore.values()) {
            if (present.contains(s.vmid()) || !s.equals(held.settled.get(s.id()))) {
                continue;
            }
            try {
                if (vms.locate(s.vmid()).isPresent()) {
                    continue;
                }
            } catch (RuntimeException e) {
                continue; // the cluster cannot say now: the next run looks again
            }
            String detail = "VM " + s.vmid() + " is not in the cluster (removed outside Vigil)";
            try {
                send(RecordVmLost.byReconciler(s.id(), detail), actor);
                findings.add(new Finding(Finding.LOST_SESSION, s.id().value(), s.id().value(), s.node(), s.vmid(),
                        Finding.SESSION_ENDED, detail));
            } catch (RuntimeException e) {
                findings.add(new Finding(Finding.LOST_SESSION, s.id().value(), s.id().value(), s.node(), s.vmid(),
                        Finding.REMOVE_FAILED, detail + "; ending the session failed: " + e.getMessage()));
            }
        }
        return findings;
    }

    private Finding removeConnection(GuacamoleClient.Connection c) {
        String why = "no live session holds a connection named " + c.name();
        try {
            guacamole.deleteConnection(c.identifier()).block(CALL_TIMEOUT);
            return new Finding(Finding.CONNECTION, c.name(), c.identifier(), null, null, Finding.REMOVED, why);
        } catch (RuntimeException e) {
            return new Finding(Finding.CONNECTION, c.name(), c.identifier(), null, null, Finding.REMOVE_FAILED,
                    why + "; " + e.getMessage());
        }
    }

    /** Sessions ending for long without teardown: the saga that should hand them over is gone. */
    private List<Finding> handOverStuckEndings(UserId actor) {
        Instant before = clock.instant().minus(properties.stuckEnding());
        List<Finding> findings = new ArrayList<>();
        jdbc.query("""
                SELECT session_id, vmid, node FROM admission_session
                WHERE state = 'ENDING' AND NOT teardown_started AND ending_since < ?""", rs -> {
            SessionId id = new SessionId(rs.getString("session_id"));
            Integer vmid = (Integer) rs.getObject("vmid");
            String detail = "ending since before " + before + " without its teardown: handed to teardown";
            try {
                send(new HandOverTeardown(id, null), actor);
                findings.add(new Finding("stuck_ending", id.value(), id.value(), rs.getString("node"), vmid,
                        "handed_over", detail));
            } catch (RuntimeException e) {
                findings.add(new Finding("stuck_ending", id.value(), id.value(), rs.getString("node"), vmid,
                        Finding.REMOVE_FAILED, detail + "; " + e.getMessage()));
            }
        }, before.atOffset(ZoneOffset.UTC));
        return findings;
    }

    private void send(Object command, UserId actor) {
        commands.sendAndWait(GenericCommandMessage.asCommandMessage(command)
                .andMetaData(MetaData.with(ActorCorrelationProvider.USER_ID, actor.value())));
    }
}

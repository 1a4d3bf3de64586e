package io.vigil.command;

import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.Schedules;
import io.vigil.command.activity.IdleSweep;
import io.vigil.command.node.NodeStatusCache;
import io.vigil.command.reconcile.Reconciler;
import io.vigil.command.registry.TemplatePlacement;
import io.vigil.command.guacamole.GuacamoleClient;
import io.vigil.command.guacamole.GuacamoleProperties;
import io.vigil.command.proxmox.ProxmoxClient;
import io.vigil.command.proxmox.ProxmoxProperties;
import io.vigil.core.capture.Capture;
import io.vigil.core.device.Device;
import io.vigil.core.trigger.Trigger;
import io.vigil.core.UserId;
import io.vigil.core.keptvm.KeptVm;
import io.vigil.core.node.Node;
import io.vigil.core.reconcile.Reconciliation;
import io.vigil.core.session.VmSession;
import io.vigil.core.template.Template;
import io.vigil.platform.PlatformConfiguration;
import io.vigil.platform.persistence.JdbcConfiguration;
import java.time.Clock;
import org.axonframework.config.AggregateConfigurer;
import org.axonframework.config.ConfigurerModule;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.PropertySource;
import org.springframework.core.annotation.Order;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.web.reactive.function.client.WebClient;

@Configuration(proxyBeanMethods = false)
@Import(PlatformConfiguration.class)
@PropertySource("classpath:vigil-command.properties")
@EnableScheduling
@EnableConfigurationProperties({ProvisioningProperties.class, HibernationProperties.class, ProxmoxProperties.class, GuacamoleProperties.class,
        RegistryProperties.class, KeptVmProperties.class, ReconcileProperties.class, DeviceProperties.class,
        TriggerProperties.class, MqttProperties.class, CaptureProperties.class})
public class CommandSideConfiguration {

    /** core-domain knows no Spring, so its aggregates are registered here rather than by annotation scanning. */
    @Bean
    ConfigurerModule aggregates() {
        return configurer -> configurer
                .configureAggregate(AggregateConfigurer.defaultConfiguration(VmSession.class))
                .configureAggregate(AggregateConfigurer.defaultConfiguration(Template.class))
                .configureAggregate(AggregateConfigurer.defaultConfiguration(Node.class))
                .configureAggregate(AggregateConfigurer.defaultConfiguration(KeptVm.class))
                .configureAggregate(AggregateConfigurer.defaultConfiguration(Reconciliation.class))
                .configureAggregate(AggregateConfigurer.defaultConfiguration(Device.class))
                .configureAggregate(AggregateConfigurer.defaultConfiguration(Trigger.class))
                .configureAggregate(AggregateConfigurer.defaultConfiguration(Capture.class));
    }

    @Bean
    @Order(10)
    FlywayConfigurationCustomizer commandMigrations() {
        return configuration -> JdbcConfiguration.addLocation(configuration, "classpath:db/vigil/command");
    }

    @Bean
    ProxmoxClient proxmoxClient(ProxmoxProperties properties) {
        return new ProxmoxClient(properties, WebClient.builder());
    }

    @Bean
    GuacamoleClient guacamoleClient(GuacamoleProperties properties) {
        return new GuacamoleClient(properties, WebClient.builder());
    }

    /** A db-scheduler recurring task: one instance of the cluster sweeps at a time, and a missed run is not replayed. */
    @Bean
    RecurringTask<Void> idleSweepTask(HibernationProperties properties, IdleSweep sweep) {
        return Tasks.recurring("vigil-idle-sweep", Schedules.fixedDelay(properties.activityPollInterval()))
                .execute((instance, context) -> sweep.sweep());
    }

    /** Closed triggers out of the event store, one instance of the cluster at a time. */
    @Bean
    RecurringTask<Void> triggerArchiveTask(TriggerProperties properties, io.vigil.command.trigger.TriggerArchiver archiver) {
        return Tasks.recurring("vigil-trigger-archive", Schedules.fixedDelay(properties.archive().every()))
                .execute((instance, context) -> archiver.run());
    }

    /** Images past their retention out of the blob store, and blobs no capture references: one instance at a time. */
    @Bean
    RecurringTask<Void> captureRetentionTask(CaptureProperties properties,
                                             io.vigil.command.capture.CaptureRetention retention) {
        return Tasks.recurring("vigil-capture-retention", Schedules.fixedDelay(properties.retention().every()))
                .execute((instance, context) -> retention.run());
    }

    /** Proxmox → Redis → every instance's memory: one refresh at a time across the cluster, never on a request path. */
    @Bean
    RecurringTask<Void> nodeStatusRefreshTask(@org.springframework.beans.factory.annotation.Value(
            "${vigil.provisioning.node-status-refresh:15s}") java.time.Duration every, NodeStatusCache cache) {
        return Tasks.recurring("vigil-node-status-refresh", Schedules.fixedDelay(every))
                .execute((instance, context) -> {
                    try {
                        cache.refresh();
                    } catch (RuntimeException e) {
                        org.slf4j.LoggerFactory.getLogger(NodeStatusCache.class)
                                .warn("Node status refresh failed; the last known figures stay in use: {}", e.getMessage());
                    }
                });
    }

    @Bean
    RecurringTask<Void> templatePlacementTask(RegistryProperties properties, TemplatePlacement placement) {
        return Tasks.recurring("vigil-template-placement", Schedules.fixedDelay(properties.placementRefresh()))
                .execute((instance, context) -> placement.locateAll());
    }

    @Bean
    RecurringTask<Void> reconcileTask(ReconcileProperties properties, Reconciler reconciler) {
        return Tasks.recurring("vigil-reconcile", Schedules.fixedDelay(properties.interval()))
                // an admin's run on some instance may hold the cluster-wide lock: this one is skipped, not failed
                .execute((instance, context) -> reconciler.runIfFree("scheduled", UserId.SYSTEM));
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}

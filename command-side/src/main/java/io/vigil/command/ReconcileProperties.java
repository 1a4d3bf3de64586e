package io.vigil.command;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The reconciler: what it looks for and how long it waits.
 *
 * @param interval       how often it runs on its own (one instance of the cluster at a time)
 * @param removalTimeout how long it waits for one orphan VM's stop and destroy tasks
 * @param stuckEnding    a session ending this long without its teardown started is handed to teardown: the saga
 *                       that should have handed it over is gone
 */
@ConfigurationProperties("vigil.reconcile")
public record ReconcileProperties(@DefaultValue("5m") Duration interval, @DefaultValue("60s") Duration removalTimeout,
                                  @DefaultValue("15m") Duration stuckEnding) {
}

package io.vigil.autoconfigure;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.exceptions.ExecutionException;
import com.github.kagkarlsson.scheduler.exceptions.TaskInstanceCurrentlyExecutingException;
import com.github.kagkarlsson.scheduler.exceptions.TaskInstanceNotFoundException;
import org.axonframework.deadline.dbscheduler.DbSchedulerDeadlineManager;
import org.axonframework.deadline.dbscheduler.DbSchedulerDeadlineToken;

/**
 * Axon's db-scheduler deadline manager, except that cancelling a deadline that is running right now (or already
 * ran, or completes while it is being cancelled) is not an error. Axon lets db-scheduler's "currently executing" exception fail the unit of work at
 * prepare-commit, so a command that cancels a deadline at the very moment it fires would fail, although the
 * deadline's handler re-checks the state anyway. Cancelling is by the id {@code schedule} returned: one row looked
 * up by primary key, never a scan of every scheduled deadline.
 */
class TolerantDeadlineManager extends DbSchedulerDeadlineManager {
    private final Scheduler scheduler;

    TolerantDeadlineManager(Builder builder, Scheduler scheduler) {
        super(builder);
        this.scheduler = scheduler;
    }

    @Override
    public void cancelSchedule(String deadlineName, String scheduleId) {
        runOnPrepareCommitOrNow(() -> {
            try {
                scheduler.cancel(new DbSchedulerDeadlineToken(scheduleId));
            } catch (TaskInstanceNotFoundException | TaskInstanceCurrentlyExecutingException e) {
                // ran already, or runs now: its handler finds the state changed and does nothing
            } catch (ExecutionException e) {
                // found, then gone before it could be deleted ("expected one execution to be removed, but removed
                // 0"): it ran and completed in between
            }
        });
    }
}

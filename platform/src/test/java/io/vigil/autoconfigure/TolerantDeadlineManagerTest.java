package io.vigil.autoconfigure;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.exceptions.ExecutionException;
import com.github.kagkarlsson.scheduler.exceptions.TaskInstanceCurrentlyExecutingException;
import com.github.kagkarlsson.scheduler.exceptions.TaskInstanceNotFoundException;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import java.util.List;
import org.axonframework.common.transaction.NoTransactionManager;
import org.axonframework.deadline.dbscheduler.DbSchedulerDeadlineManager;
import org.axonframework.messaging.ScopeAwareProvider;
import org.axonframework.serialization.jackson3.Jackson3Serializer;
import org.junit.jupiter.api.Test;

/**
 * Cancelling a deadline that db-scheduler is running, has run, or completes during the cancel is no error (each
 * seen in a run: as an error it put a saga processor into retry mode); anything else still is.
 */
class TolerantDeadlineManagerTest {
    private final Scheduler scheduler = mock(Scheduler.class);
    private final TolerantDeadlineManager deadlines = new TolerantDeadlineManager(DbSchedulerDeadlineManager.builder()
            .scheduler(scheduler).scopeAwareProvider(mock(ScopeAwareProvider.class))
            .serializer(Jackson3Serializer.builder().build()).transactionManager(NoTransactionManager.INSTANCE)
            .startScheduler(false).stopScheduler(false), scheduler);

    @Test
    void a_deadline_that_ran_runs_or_completes_meanwhile_is_cancelled_quietly() {
        for (RuntimeException meanwhile : List.of(
                new TaskInstanceNotFoundException("AxonDeadline", "d-1"),
                new TaskInstanceCurrentlyExecutingException("AxonDeadline", "d-1"),
                new ExecutionException("Expected one execution to be removed, but removed 0. Indicates a bug.",
                        "AxonDeadline", "d-1", 0))) {
            doThrow(meanwhile).when(scheduler).cancel(any(TaskInstanceId.class));
            assertThatCode(() -> deadlines.cancelSchedule("vm-saga-poll", "d-1")).as(meanwhile.getClass().getSimpleName())
                    .doesNotThrowAnyException();
        }
    }

    @Test
    void any_other_failure_to_cancel_is_an_error() {
        doThrow(new IllegalStateException("the database does not answer")).when(scheduler).cancel(any(TaskInstanceId.class));
        assertThatThrownBy(() -> deadlines.cancelSchedule("vm-saga-poll", "d-1")).hasMessageContaining("does not answer");
    }
}

package io.vigil.platform.axon;

import com.github.kagkarlsson.scheduler.Scheduler;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Stops running deadlines before Axon unsubscribes its handlers on shutdown. Otherwise a deadline firing during
 * shutdown finds no command handler, and the saga records a failure that did not happen. Pending deadlines stay
 * in {@code scheduled_tasks} and run on the next start (or on another instance).
 */
@Component
class DeadlineSchedulerShutdown implements SmartLifecycle {
    private final ObjectProvider<Scheduler> scheduler;
    private volatile boolean running;

    /** A service without deadlines (the standalone query side) runs no scheduler. */
    DeadlineSchedulerShutdown(ObjectProvider<Scheduler> scheduler) {
        this.scheduler = scheduler;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        scheduler.ifAvailable(Scheduler::stop);
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stopped first: before the web server's graceful shutdown and before Axon's processors and buses. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 100;
    }
}

package io.vigil.command.capture;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vigil.command.CaptureProperties;
import io.vigil.command.capture.evaluation.EvaluationException;
import io.vigil.command.capture.evaluation.EvaluationInput;
import io.vigil.command.capture.evaluation.Evaluator;
import io.vigil.core.capture.CaptureAlertRaised;
import io.vigil.core.capture.CaptureId;
import io.vigil.core.capture.EvaluationResult;
import io.vigil.core.capture.RecordCaptureEvaluated;
import io.vigil.core.capture.RecordCaptureEvaluationFailed;
import io.vigil.platform.axon.ActorCorrelationProvider;
import io.vigil.platform.blob.BlobNotFoundException;
import io.vigil.platform.blob.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventhandling.gateway.EventGateway;
import org.axonframework.messaging.MetaData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Evaluates captures off the request path, from the durable queue the upload fills in its transaction. Each
 * instance takes only as many as it has free workers ({@code vigil.captures.evaluation.concurrency}), claimed with
 * {@code FOR UPDATE SKIP LOCKED} for a lease: evaluation is bounded, an instance that falls behind leaves the rest
 * to others, and a backlog waits in PostgreSQL rather than in memory (the uploads never wait for it). A transient
 * failure (the vision service down) is retried with a doubling delay; after the last attempt the evaluation fails
 * for good, with its reason.
 */
@Component
public class CaptureEvaluations implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(CaptureEvaluations.class);
    private final JdbcTemplate jdbc;
    private final BlobStore blobs;
    private final Evaluator evaluator;
    private final CommandGateway commands;
    private final EventGateway events;
    private final CaptureRegistry registry;
    private final CaptureProperties.Evaluation settings;
    private final Clock clock;
    private final Timer latency;
    private final Semaphore free;
    private final Object signal = new Object();
    private final AtomicReference<Instant> lastAlert = new AtomicReference<>(Instant.EPOCH);
    private final AtomicInteger running = new AtomicInteger();
    private ExecutorService workers;
    private volatile Thread claimer;
    private volatile boolean active;
    private boolean woken;

    public CaptureEvaluations(JdbcTemplate jdbc, BlobStore blobs, Evaluator evaluator, CommandGateway commands,
                              EventGateway events, CaptureRegistry registry, CaptureProperties properties, Clock clock,
                              ObjectProvider<MeterRegistry> meters) {
        this.jdbc = jdbc;
        this.blobs = blobs;
        this.evaluator = evaluator;
        this.commands = commands;
        this.events = events;
        this.registry = registry;
        this.settings = properties.evaluation();
        this.clock = clock;
        this.free = new Semaphore(settings.workers());
        MeterRegistry meterRegistry = meters.getIfAvailable();
        this.latency = meterRegistry == null ? null : Timer.builder("vigil.capture.evaluation.latency")
                .description("From a capture's upload to its evaluation's result (retries included)")
                .publishPercentiles(0.5, 0.95, 0.99)
                .register(meterRegistry);
        if (meterRegistry != null) {
            meterRegistry.gauge("vigil.capture.evaluation.running", running);
        }
    }

    /** An upload was stored: look at the queue now rather than at the next poll. */
    public void wake() {
        synchronized (signal) {
            woken = true;
            signal.notifyAll();
        }
    }

    private void loop() {
        while (active) {
            try {
                int slots = free.availablePermits();
                int claimed = slots == 0 ? 0 : claim(slots);
                if (claimed == 0 || claimed < slots) {
                    synchronized (signal) {
                        if (!woken && active) {
                            signal.wait(settings.pollInterval().toMillis());
                        }
                        woken = false;
                    }
                }
                if (free.availablePermits() == 0) {
                    // every worker busy: wait for one to finish before claiming more (the backlog stays queued)
                    free.acquire();
                    free.release();
                }
            } catch (InterruptedException e) {
                if (!active) {
                    return;
                }
            } catch (RuntimeException e) {
                log.warn("Claiming captures to evaluate failed; trying again: {}", e.toString());
                sleepQuietly();
            }
        }
    }

    private int claim(int slots) {
        List<Claimed> claimed = jdbc.query("""
                        UPDATE capture_evaluation_queue q SET claimed_until = now() + make_interval(secs => ?),
                            attempts = q.attempts + 1
                        WHERE q.capture_id IN (
                            SELECT capture_id FROM capture_evaluation_queue
                            WHERE due_at <= now() AND (claimed_until IS NULL OR claimed_until < now())
                            ORDER BY due_at LIMIT ? FOR UPDATE SKIP LOCKED)
                        RETURNING q.capture_id, q.device_id, q.received_at, q.attempts""",
                (rs, i) -> new Claimed(rs.getString(1), rs.getString(2),
                        rs.getObject(3, OffsetDateTime.class).toInstant(), rs.getInt(4)),
                (double) settings.lease().toSeconds(), slots);
        for (Claimed c : claimed) {
            free.acquireUninterruptibly();
            running.incrementAndGet();
            workers.execute(() -> {
                try {
                    evaluate(c);
                } finally {
                    running.decrementAndGet();
                    free.release();
                    wake();
                }
            });
        }
        if (claimed.isEmpty()) {
            alertOnBacklog();
        }
        return claimed.size();
    }

    private record Claimed(String captureId, String deviceId, Instant receivedAt, int attempt) {
    }

    void evaluate(Claimed c) {
        CaptureId captureId = new CaptureId(c.captureId());
        try {
            List<Object[]> found = jdbc.query(
                    "SELECT blob_key, captured_at FROM capture_registry WHERE capture_id = ? AND purged_at IS NULL",
                    (rs, i) -> new Object[]{rs.getString(1), rs.getObject(2, OffsetDateTime.class).toInstant()},
                    c.captureId());
            if (found.isEmpty()) {
                fail(captureId, c, "the image was purged before it could be evaluated", false);
                return;
            }
            byte[] image = read((String) found.get(0)[0]);
            byte[] previous = registry.previousImage(c.deviceId(), c.captureId()).map(this::readOrNull).orElse(null);
            EvaluationResult result = evaluator.evaluate(new EvaluationInput(c.captureId(), c.deviceId(), image,
                    previous, (Instant) found.get(0)[1]));
            send(new RecordCaptureEvaluated(captureId, result, c.attempt()), c);
            if (latency != null) {
                latency.record(Duration.between(c.receivedAt(), clock.instant()));
            }
        } catch (EvaluationException e) {
            fail(captureId, c, e.getMessage(), e.isTransient());
        } catch (BlobNotFoundException e) {
            fail(captureId, c, "the image is missing from the blob store", false);
        } catch (RuntimeException e) {
            // the blob store or the database did not answer: worth another try
            log.warn("Evaluating {} failed (attempt {}): {}", c.captureId(), c.attempt(), e.toString());
            fail(captureId, c, "evaluation could not run: " + e.getClass().getSimpleName(), true);
        }
    }

    private void fail(CaptureId captureId, Claimed c, String reason, boolean retry) {
        Instant retryAt = retry && c.attempt() < settings.maxAttempts()
                ? clock.instant().plus(settings.delayBefore(c.attempt())) : null;
        try {
            send(new RecordCaptureEvaluationFailed(captureId, reason, c.attempt(), retryAt), c);
        } catch (RuntimeException e) {
            // the lease runs out and another attempt is made
            log.warn("Recording the failed evaluation of {} failed: {}", c.captureId(), e.toString());
        }
    }

    private void send(Object command, Claimed c) {
        commands.sendAndWait(GenericCommandMessage.asCommandMessage(command).andMetaData(MetaData
                .with(ActorCorrelationProvider.USER_ID, "system:evaluator")
                .and(ActorCorrelationProvider.CORRELATION_ID, c.captureId())));
    }

    private byte[] read(String key) {
        try (InputStream in = blobs.read(key)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("reading blob " + key + " failed", e);
        }
    }

    private byte[] readOrNull(String key) {
        try {
            return read(key);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Pending evaluations older than the alert age: the evaluator is falling behind (at most one alert an hour). */
    private void alertOnBacklog() {
        Instant now = clock.instant();
        if (Duration.between(lastAlert.get(), now).compareTo(Duration.ofHours(1)) < 0) {
            return;
        }
        List<Long> late = jdbc.queryForList("""
                        SELECT count(*) FROM capture_evaluation_queue
                        WHERE attempts = 0 AND received_at < now() - make_interval(secs => ?)""",
                Long.class, (double) settings.backlogAlert().toSeconds());
        if (!late.isEmpty() && late.get(0) > 0 && lastAlert.compareAndSet(lastAlert.get(), now)) {
            events.publish(new CaptureAlertRaised("evaluation-backlog", late.get(0) + " captures have waited more than "
                    + settings.backlogAlert().toMinutes() + " min for their evaluation: the evaluator is falling behind"
                    + " (vigil.captures.evaluation.concurrency, more instances, or a faster evaluator)"));
        }
    }

    private void sleepQuietly() {
        synchronized (signal) {
            try {
                signal.wait(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void start() {
        active = true;
        workers = Executors.newFixedThreadPool(settings.workers(), r -> {
            Thread t = new Thread(r, "vigil-capture-evaluation");
            t.setDaemon(true);
            return t;
        });
        Thread t = new Thread(this::loop, "vigil-capture-evaluation-claims");
        t.setDaemon(true);
        claimer = t;
        t.start();
    }

    @Override
    public void stop() {
        active = false;
        Thread t = claimer;
        if (t != null) {
            t.interrupt();
        }
        if (workers != null) {
            workers.shutdown();
            try {
                workers.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return active;
    }

    /** After Axon's processors and the trigger steps, before them when stopping. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 100;
    }
}

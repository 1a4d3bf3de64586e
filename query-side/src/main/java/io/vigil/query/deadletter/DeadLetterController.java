package io.vigil.query.deadletter;

import io.vigil.core.DomainException;
import io.vigil.query.QueryParameters;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.deadletter.SequencedDeadLetterProcessor;
import org.axonframework.messaging.deadletter.SequencedDeadLetterQueue;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Events a projection could not handle, set aside per sequence (aggregate) in Axon's dead-letter queue so the
 * rest of the read model moves on. Admins see them here and, once the cause is fixed, retry a group's letters.
 * Admin-only by the platform's rules on /api/v1/admin/**.
 */
@RestController
class DeadLetterController {
    /** How many sequences one retry call works through at most; call again for more. */
    static final int MAX_SEQUENCES_PER_RETRY = 1000;
    private final EventProcessingConfiguration processing;
    private final DatabaseClient db;
    private final QueryParameters parameters;

    DeadLetterController(EventProcessingConfiguration processing, DatabaseClient db, QueryParameters parameters) {
        this.processing = processing;
        this.db = db;
        this.parameters = parameters;
    }

    /** Every group with a dead-letter queue, empty ones too; per group the oldest sequences first. */
    @GetMapping("/api/v1/admin/dead-letters")
    Flux<DeadLetterGroupView> list(@RequestParam(required = false) String limit) {
        int max = parameters.limit(limit);
        return Flux.fromIterable(groups()).concatMap(group -> counts(group)
                .zipWith(letters(group, max).collectList(),
                        (counts, letters) -> new DeadLetterGroupView(group, counts[0], counts[1], letters)));
    }

    /**
     * Hands the group's letters back to its handlers, a sequence at a time, until none is left, one fails again
     * (it stays, with its new cause), or {@value #MAX_SEQUENCES_PER_RETRY} sequences were done. Blocking JDBC
     * and handler work in Axon: off the event loop.
     */
    @PostMapping("/api/v1/admin/dead-letters/{group}/retry")
    Mono<RetryReport> retry(@PathVariable String group) {
        return Mono.fromCallable(() -> {
            SequencedDeadLetterQueue<EventMessage<?>> queue = queue(group);
            SequencedDeadLetterProcessor<EventMessage<?>> processor = processing.sequencedDeadLetterProcessor(group)
                    .orElseThrow(() -> unknownGroup(group));
            long before = queue.amountOfSequences();
            int retried = 0;
            while (retried < Math.min(before, MAX_SEQUENCES_PER_RETRY) && processor.processAny()) {
                retried++;
            }
            return new RetryReport(group, retried, queue.amountOfSequences(), queue.size());
        }).subscribeOn(Schedulers.boundedElastic());
    }

    private List<String> groups() {
        return processing.eventProcessors().keySet().stream()
                .filter(name -> processing.deadLetterQueue(name).isPresent())
                .sorted()
                .toList();
    }

    private SequencedDeadLetterQueue<EventMessage<?>> queue(String group) {
        if (!groups().contains(group)) {
            throw unknownGroup(group);
        }
        return processing.deadLetterQueue(group).orElseThrow(() -> unknownGroup(group));
    }

    private static DomainException unknownGroup(String group) {
        return DomainException.notFound("processing_group_not_found",
                "No processing group with a dead-letter queue is called '" + abbreviate(group) + "'");
    }

    private Mono<long[]> counts(String group) {
        return db.sql("SELECT count(*) AS letters, count(DISTINCT sequenceidentifier) AS sequences"
                        + " FROM deadletterentry WHERE processinggroup = :group")
                .bind("group", group)
                .map(row -> new long[] {row.get("letters", Long.class), row.get("sequences", Long.class)})
                .one();
    }

    private Flux<DeadLetterView> letters(String group, int limit) {
        return db.sql("""
                        SELECT sequenceidentifier, sequenceindex, payloadtype, eventidentifier, aggregateidentifier,
                               sequencenumber, causetype, causemessage, enqueuedat, lasttouched,
                               count(*) OVER (PARTITION BY sequenceidentifier) AS sequence_size,
                               min(enqueuedat) OVER (PARTITION BY sequenceidentifier) AS sequence_enqueued
                        FROM deadletterentry WHERE processinggroup = :group
                        ORDER BY sequence_enqueued, sequenceidentifier, sequenceindex
                        LIMIT :limit""")
                .bind("group", group)
                .bind("limit", limit)
                .map(row -> new DeadLetterView(
                        row.get("sequenceidentifier", String.class),
                        row.get("sequenceindex", Long.class),
                        row.get("sequence_size", Long.class),
                        simpleName(row.get("payloadtype", String.class)),
                        row.get("eventidentifier", String.class),
                        row.get("aggregateidentifier", String.class),
                        row.get("sequencenumber", Long.class),
                        simpleName(row.get("causetype", String.class)),
                        row.get("causemessage", String.class),
                        instant(row.get("enqueuedat", String.class)),
                        instant(row.get("lasttouched", String.class))))
                .all();
    }

    /** Events are named as the event catalogue (docs/events.md) names them, without their Java package. */
    static String simpleName(String type) {
        if (type == null) {
            return null;
        }
        String name = type.substring(type.lastIndexOf('.') + 1);
        return name.substring(name.lastIndexOf('$') + 1);
    }

    private static Instant instant(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 60) + "…";
    }

    /**
     * @param size      letters in the group
     * @param sequences sequences (aggregates) they belong to
     * @param letters   the letters, oldest sequence first, at most {@code limit}
     */
    record DeadLetterGroupView(String group, long size, long sequences, List<DeadLetterView> letters) {
    }

    /**
     * One event set aside. {@code sequenceSize} counts the letters of its sequence: the first failed, the ones
     * after it wait behind it so the aggregate's events stay in order.
     */
    record DeadLetterView(String sequenceIdentifier, Long sequenceIndex, Long sequenceSize, String eventType,
                          String eventId, String aggregateId, Long sequenceNumber, String causeType,
                          String causeMessage, Instant enqueuedAt, Instant lastTouched) {
    }

    /**
     * @param retriedSequences   sequences handled successfully and removed from the queue
     * @param remainingSequences sequences still in the queue (one that failed again stays, with its new cause)
     * @param remainingLetters   letters still in the queue
     */
    record RetryReport(String group, int retriedSequences, long remainingSequences, long remainingLetters) {
    }
}

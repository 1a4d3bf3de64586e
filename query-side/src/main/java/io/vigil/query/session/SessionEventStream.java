package io.vigil.query.session;

import io.vigil.core.session.SessionId;
import io.vigil.query.QuerySideProperties;
import io.vigil.query.live.ChangeListener;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One session's live view as Server-Sent Events: the current view first, then one event per change, until a
 * terminal status has been sent. Each event's id is the view's {@code last_sequence}, so ids only grow.
 */
@Component
class SessionEventStream {
    static final String EVENT_TYPE = "session";
    private static final ServerSentEvent<EngineerSessionView> KEEP_ALIVE =
            ServerSentEvent.<EngineerSessionView>builder().comment("keep-alive").build();
    private final SessionViewReader reader;
    private final ChangeListener listener;
    private final QuerySideProperties properties;

    SessionEventStream(SessionViewReader reader, ChangeListener listener, QuerySideProperties properties) {
        this.reader = reader;
        this.listener = listener;
        this.properties = properties;
    }

    /** {@code first} is the row the caller was authorised against; it is sent as is. */
    Flux<ServerSentEvent<EngineerSessionView>> follow(SessionRow first) {
        SessionId id = new SessionId(first.sessionId());
        // Changes are subscribed to before the re-read that follows, so a change committed after `first` was read
        // is seen either by that re-read or by a notification: never by neither.
        Flux<SessionRow> later = Flux.merge(
                        listener.changes().filter(c -> c.equals(id.value()) || c.equals(ChangeListener.RESYNC)),
                        Mono.just(id.value()))
                // A notification only says "re-read": while one read runs, the latest pending signal is enough.
                .onBackpressureLatest()
                .concatMap(signal -> reader.find(id), 1);
        AtomicLong sent = new AtomicLong(-1);
        Flux<ServerSentEvent<EngineerSessionView>> views = Flux.concat(Mono.just(first), later)
                .filter(row -> advances(sent, row.lastSequence()))
                .map(SessionEventStream::event);
        Flux<ServerSentEvent<EngineerSessionView>> keepAlive = Flux.interval(properties.sseKeepalive()).map(i -> KEEP_ALIVE);
        return Flux.merge(views, keepAlive).takeUntil(SessionEventStream::terminal);
    }

    private static boolean advances(AtomicLong sent, long sequence) {
        long previous = sent.get();
        return sequence > previous && sent.compareAndSet(previous, sequence);
    }

    private static ServerSentEvent<EngineerSessionView> event(SessionRow row) {
        return ServerSentEvent.builder(EngineerSessionView.of(row, Instant.now()))
                .id(Long.toString(row.lastSequence()))
                .event(EVENT_TYPE)
                .build();
    }

    private static boolean terminal(ServerSentEvent<EngineerSessionView> event) {
        EngineerSessionView view = event.data();
        return view != null && SessionRow.parseWire(view.status()).over();
    }
}

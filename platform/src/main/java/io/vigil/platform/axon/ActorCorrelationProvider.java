package io.vigil.platform.axon;

import java.util.HashMap;
import java.util.Map;
import org.axonframework.deadline.DeadlineMessage;
import org.axonframework.messaging.Message;
import org.axonframework.messaging.correlation.CorrelationDataProvider;

/**
 * Every message carries who acted and why: {@code userId} (the person, or {@code system} for deadlines),
 * {@code correlationId} (the request that started the chain) and {@code causationId} (the message that caused
 * this one). Messages created while handling another inherit these from it.
 */
public class ActorCorrelationProvider implements CorrelationDataProvider {
    public static final String USER_ID = "userId";
    public static final String CORRELATION_ID = "correlationId";
    public static final String CAUSATION_ID = "causationId";
    public static final String SYSTEM = "system";

    @Override
    public Map<String, ?> correlationDataFor(Message<?> message) {
        Map<String, Object> data = new HashMap<>();
        data.put(CAUSATION_ID, message.getIdentifier());
        data.put(CORRELATION_ID, message.getMetaData().getOrDefault(CORRELATION_ID, message.getIdentifier()));
        Object user = message instanceof DeadlineMessage<?> ? SYSTEM : message.getMetaData().getOrDefault(USER_ID, SYSTEM);
        data.put(USER_ID, user);
        return data;
    }
}

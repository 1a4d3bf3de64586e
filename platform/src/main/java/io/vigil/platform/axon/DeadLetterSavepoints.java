package io.vigil.platform.axon;

import java.util.Optional;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.messaging.Message;
import org.axonframework.messaging.annotation.HandlerEnhancerDefinition;
import org.axonframework.messaging.annotation.MessageHandlingMember;
import org.axonframework.messaging.annotation.WrappedMessageHandlingMember;
import org.axonframework.modelling.saga.SagaEventHandler;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.env.Environment;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Event handlers of a processing group with a dead-letter queue
 * ({@code axon.eventhandling.processors.<group>.dlq.enabled=true}) handle each event in a savepoint. On
 * PostgreSQL a failed statement aborts the whole transaction: without the savepoint, the dead-letter insert and
 * the token update that follow in the batch's transaction would fail too, and the poison event would stall its
 * segment instead of being set aside. Other handlers are left as they are (a savepoint costs two round trips).
 */
class DeadLetterSavepoints implements HandlerEnhancerDefinition {
    private final Environment environment;
    private final ObjectProvider<PlatformTransactionManager> transactions;

    DeadLetterSavepoints(Environment environment, ObjectProvider<PlatformTransactionManager> transactions) {
        this.environment = environment;
        this.transactions = transactions;
    }

    @Override
    public <T> MessageHandlingMember<T> wrapHandler(MessageHandlingMember<T> original) {
        if (!original.canHandleMessageType(EventMessage.class) || original.hasAnnotation(SagaEventHandler.class)
                || original.hasAnnotation(EventSourcingHandler.class)) {
            return original;
        }
        String group = processingGroup(original);
        if (group == null || !environment.getProperty("axon.eventhandling.processors." + group + ".dlq.enabled",
                Boolean.class, false)) {
            return original;
        }
        return new InSavepoint<>(original);
    }

    private static String processingGroup(MessageHandlingMember<?> member) {
        try {
            ProcessingGroup group = member.declaringClass().getAnnotation(ProcessingGroup.class);
            return group == null ? null : group.value();
        } catch (UnsupportedOperationException e) {
            return null;
        }
    }

    private final class InSavepoint<T> extends WrappedMessageHandlingMember<T> {
        InSavepoint(MessageHandlingMember<T> delegate) {
            super(delegate);
        }

        @Override
        public Object handle(Message<?> message, T target) throws Exception {
            if (!TransactionSynchronizationManager.isActualTransactionActive()) {
                return super.handle(message, target);
            }
            TransactionTemplate nested = new TransactionTemplate(transactions.getObject());
            nested.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
            try {
                return nested.execute(status -> {
                    try {
                        return Optional.ofNullable(super.handle(message, target));
                    } catch (RuntimeException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new CheckedFailure(e);
                    }
                }).orElse(null);
            } catch (CheckedFailure e) {
                throw (Exception) e.getCause();
            }
        }
    }

    /** Carries a handler's checked exception through the template, which rolls back on runtime exceptions. */
    private static final class CheckedFailure extends RuntimeException {
        CheckedFailure(Exception cause) {
            super(cause);
        }
    }
}

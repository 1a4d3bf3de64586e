package io.vigil.core.template;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;

/** A VM template in the registry. Every change is an event, so the registry's history is auditable. */
public class Template {
    @AggregateIdentifier
    private TemplateId templateId;
    private TemplateSpec spec;
    private TemplatePlaced placement;

    protected Template() {
    }

    @CommandHandler
    public Template(RegisterTemplate command) {
        apply(new TemplateRegistered(command.templateId(), command.spec()));
    }

    @CommandHandler
    public void handle(ChangeTemplate command) {
        if (!command.spec().equals(spec)) {
            apply(new TemplateChanged(templateId, command.spec()));
        }
    }

    /** Recorded only when it differs from what was last found, so a periodic look writes nothing new. */
    @CommandHandler
    public void handle(RecordTemplatePlacement command) {
        TemplatePlaced found = new TemplatePlaced(templateId, command.node(), command.sharedStorage(), command.storages(),
                command.problem());
        if (!found.equals(placement)) {
            apply(found);
        }
    }

    public TemplateSpec spec() {
        return spec;
    }

    @EventSourcingHandler
    void on(TemplateRegistered event) {
        templateId = event.templateId();
        spec = event.spec();
    }

    @EventSourcingHandler
    void on(TemplateChanged event) {
        spec = event.spec();
    }

    @EventSourcingHandler
    void on(TemplatePlaced event) {
        placement = event;
    }
}

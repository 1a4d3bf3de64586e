package io.vigil.core.template;

import io.vigil.core.Check;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

public record ChangeTemplate(@TargetAggregateIdentifier TemplateId templateId, TemplateSpec spec) {
    public ChangeTemplate {
        Check.present(templateId, "template_id");
        Check.present(spec, "template");
    }
}

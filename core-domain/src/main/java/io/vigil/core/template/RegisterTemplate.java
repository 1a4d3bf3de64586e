package io.vigil.core.template;

import io.vigil.core.Check;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

public record RegisterTemplate(@TargetAggregateIdentifier TemplateId templateId, TemplateSpec spec) {
    public RegisterTemplate {
        Check.present(templateId, "template_id");
        Check.present(spec, "template");
    }
}

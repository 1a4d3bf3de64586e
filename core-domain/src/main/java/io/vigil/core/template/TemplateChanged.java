package io.vigil.core.template;

public record TemplateChanged(TemplateId templateId, TemplateSpec spec) {
}

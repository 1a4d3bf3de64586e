package io.vigil.core.template;

public record TemplateRegistered(TemplateId templateId, TemplateSpec spec) {
}

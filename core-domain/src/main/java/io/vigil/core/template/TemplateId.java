package io.vigil.core.template;

import io.vigil.core.Check;

public record TemplateId(String value) {
    public TemplateId {
        Check.matches(value, "[a-z0-9][a-z0-9-]{0,62}", "template_id", "must be lower-case letters, digits and dashes (1-63)");
    }

    @Override
    public String toString() {
        return value;
    }
}

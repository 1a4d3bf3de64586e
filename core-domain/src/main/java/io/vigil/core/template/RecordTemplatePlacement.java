package io.vigil.core.template;

import io.vigil.core.node.NodeName;
import java.util.List;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** What the cluster says of the template VM now; see {@link TemplatePlaced}. */
public record RecordTemplatePlacement(@TargetAggregateIdentifier TemplateId templateId, NodeName node,
                                      boolean sharedStorage, List<String> storages, String problem) {
    public RecordTemplatePlacement {
        storages = storages == null ? List.of() : List.copyOf(storages);
    }
}

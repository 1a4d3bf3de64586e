package io.vigil.core.template;

import io.vigil.core.node.NodeName;
import java.util.List;

/**
 * Where the template VM was found in the cluster and whether all its disks are on shared storage. Clones are made
 * on {@code node}; only with shared storage can they be placed on another node ({@code target}). {@code node} is
 * null and {@code problem} says why when the template VM could not be found.
 */
public record TemplatePlaced(TemplateId templateId, NodeName node, boolean sharedStorage, List<String> storages,
                             String problem) {
}

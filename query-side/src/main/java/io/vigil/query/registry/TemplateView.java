package io.vigil.query.registry;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.r2dbc.spi.Readable;
import java.util.List;

/**
 * A template as {@code GET /api/v1/templates} shows it. {@code proxmox_vmid} and {@code placement} are for admins
 * only and absent for everyone else: users never see Proxmox ids.
 */
public record TemplateView(String id, String name, String osType, String protocol,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Integer proxmoxVmid,
                           int cpuCores, int ramMb, int diskGb, List<String> tags, boolean active,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Placement placement) {

    /**
     * Where the template VM lives: the node an admin set ({@code node}), the node and disk storages Vigil found in
     * the cluster, whether those are all shared (only then may clones go to other nodes), and what is wrong, if
     * anything. {@code located_node} and {@code shared_storage} are null until the template was looked up.
     */
    public record Placement(String node, String locatedNode, Boolean sharedStorage, List<String> storages,
                            String problem) {
    }

    static TemplateView from(Readable row, boolean forAdmin) {
        String[] tags = row.get("tags", String[].class);
        String[] storages = row.get("storages", String[].class);
        Placement placement = forAdmin ? new Placement(row.get("node", String.class), row.get("located_node", String.class),
                row.get("shared_storage", Boolean.class), storages == null ? List.of() : List.of(storages),
                row.get("placement_problem", String.class)) : null;
        return new TemplateView(row.get("template_id", String.class), row.get("name", String.class),
                row.get("os_type", String.class), row.get("protocol", String.class),
                forAdmin ? row.get("proxmox_vmid", Integer.class) : null,
                number(row, "cpu_cores"), number(row, "ram_mb"), number(row, "disk_gb"),
                tags == null ? List.of() : List.of(tags), Boolean.TRUE.equals(row.get("active", Boolean.class)), placement);
    }

    private static int number(Readable row, String column) {
        Integer value = row.get(column, Integer.class);
        return value == null ? 0 : value;
    }
}

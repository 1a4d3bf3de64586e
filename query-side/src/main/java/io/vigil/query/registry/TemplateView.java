package io.vigil.query.registry;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.r2dbc.spi.Readable;
import java.util.List;

/**
 * A template as {@code GET /api/v1/templates} shows it. {@code proxmox_vmid} is for admins only and absent
 * for everyone else: users never see Proxmox ids.
 */
public record TemplateView(String id, String name, String osType, String protocol,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Integer proxmoxVmid,
                           int cpuCores, int ramMb, int diskGb, List<String> tags, boolean active) {

    static TemplateView from(Readable row, boolean withProxmoxVmid) {
        String[] tags = row.get("tags", String[].class);
        return new TemplateView(row.get("template_id", String.class), row.get("name", String.class),
                row.get("os_type", String.class), row.get("protocol", String.class),
                withProxmoxVmid ? row.get("proxmox_vmid", Integer.class) : null,
                number(row, "cpu_cores"), number(row, "ram_mb"), number(row, "disk_gb"),
                tags == null ? List.of() : List.of(tags), Boolean.TRUE.equals(row.get("active", Boolean.class)));
    }

    private static int number(Readable row, String column) {
        Integer value = row.get(column, Integer.class);
        return value == null ? 0 : value;
    }
}

package io.vigil.core.template;

import io.vigil.core.Check;
import io.vigil.core.node.NodeName;
import java.util.List;

/**
 * Everything an admin sets on a VM template. Sessions carry a copy, so a later change does not rewrite history.
 * {@code node} is the Proxmox node the template VM lives on, when the admin says so; otherwise Vigil finds it in the
 * cluster ({@link TemplatePlaced}).
 */
public record TemplateSpec(String name, OsType osType, Protocol protocol, int proxmoxVmid,
                           int cpuCores, int ramMb, int diskGb, List<String> tags, boolean active, NodeName node) {
    public static final int DEFAULT_CPU_CORES = 4;
    public static final int DEFAULT_RAM_MB = 4096;
    public static final int DEFAULT_DISK_GB = 50;

    public TemplateSpec {
        Check.text(name, "name", 100);
        Check.present(osType, "os_type");
        Check.present(protocol, "protocol");
        Check.range(proxmoxVmid, 100, 999_999_999, "proxmox_vmid");
        Check.range(cpuCores, 1, 128, "cpu_cores");
        Check.range(ramMb, 256, 1_048_576, "ram_mb");
        Check.range(diskGb, 1, 65_536, "disk_gb");
        tags = tags == null ? List.of() : List.copyOf(tags);
        for (String tag : tags) {
            Check.text(tag, "tags", 50);
        }
    }

    public TemplateSpec(String name, OsType osType, Protocol protocol, int proxmoxVmid, int cpuCores, int ramMb,
                        int diskGb, List<String> tags, boolean active) {
        this(name, osType, protocol, proxmoxVmid, cpuCores, ramMb, diskGb, tags, active, null);
    }
}

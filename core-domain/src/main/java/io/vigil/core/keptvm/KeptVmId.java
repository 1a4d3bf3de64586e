package io.vigil.core.keptvm;

import io.vigil.core.Check;
import io.vigil.core.UserId;
import java.util.Locale;

/**
 * A kept VM's id, which is also its name in Proxmox: {@code vigil-keep-<user>-<n>}, so a reader of the cluster can
 * tell whose it is. {@code <user>} is the owner's id made DNS-safe; {@code <n>} comes from a sequence.
 */
public record KeptVmId(String value) {
    public static final String PREFIX = "vigil-keep-";

    public KeptVmId {
        Check.matches(value, "vigil-keep-[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?", "from_vm",
                "must name one of your kept VMs (vigil-keep-...)");
    }

    public static KeptVmId forOwner(UserId owner, long n) {
        String slug = owner.value().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
        if (slug.length() > 30) {
            slug = slug.substring(0, 30).replaceAll("-+$", "");
        }
        return new KeptVmId(PREFIX + (slug.isEmpty() ? "user" : slug) + "-" + n);
    }

    @Override
    public String toString() {
        return value;
    }
}

package io.vigil.core.session;

import io.vigil.core.Check;

/** A session that starts from a VM its owner kept: no clone, the kept VM is renamed for the session and started. */
public record KeptVmSource(String keptVmId, int vmid) {
    public KeptVmSource {
        Check.present(keptVmId, "from_vm");
    }
}

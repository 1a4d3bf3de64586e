package io.vigil.command.proxmox;

/**
  * One node as {@code GET /nodes} lists it. An offline node reports no figures (zeros here).
  *
  * @param cpu fraction of all cores in use, 0..1
  */
public record NodeInfo(String node, String status, double cpu, int maxcpu, long mem, long maxmem,
                                              long uptime) {

    public boolean online() {
        return "online".equals(status);
    }
}

package io.vigil.simulators.proxmox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

/**
  * Start-up configuration of the {@link ProxmoxSimulator}. Immutable; change it with the
  * {@code with...} methods. Latencies and faults can also be changed while running.
  *
  * @param apiToken     expected {@code USER@REALM!TOKENID=SECRET}; null accepts any caller
  * @param port         HTTP port, 0 for a random free one
  * @param guestPort    port of the stand-in guest's TCP listener, 0 for a random free one
  * @param guestAddress address the guest agent reports for every VM's eth0
  * @param tls          serve HTTPS with this PKCS#12 key store (real Proxmox uses self-signed
  *                     certificates); null for plain HTTP
  * @param lockWait     how long a worker waits for a VM's flock before its task fails with "can't lock file ...
  *                     got timeout" (Proxmox: 10 s; clones wait a tenth of it, as Proxmox's 1 s)
  * @param stateFile    where the cluster's VMs and tasks are kept across restarts (the local run); null keeps
  *                     nothing
  * @param statsInterval how often the nodes' statistics pass (pvestatd) runs: {@code GET /cluster/resources}
  *                     shows each VM's name, status and template flag as that pass last saw them (Proxmox: 10 s;
  *                     a VM made since has no name and status {@code unknown}); zero shows them live
  */
public record ProxmoxSimConfig(List<NodeSpec> nodes, List<TemplateSpec> templates,
                               Latencies latencies, Faults faults, String apiToken, long seed,
                               String host, int port, int guestPort, String guestAddress,
                               Tls tls, Duration lockWait, Path stateFile, Duration statsInterval) {

    public static final long GIB = 1024L * 1024 * 1024;

    public ProxmoxSimConfig {
        nodes = List.copyOf(nodes);
        templates = List.copyOf(templates);
        Objects.requireNonNull(latencies, "latencies");
        Objects.requireNonNull(faults, "faults");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(guestAddress, "guestAddress");
        Objects.requireNonNull(lockWait, "lockWait");
        Objects.requireNonNull(statsInterval, "statsInterval");
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("at least one node is needed");
        }
    }

    /**
      * 7 nodes pve-1..pve-7 (32 cores, 128 GiB); 3 templates on pve-1 with their disks on the shared RBD storage
      * {@code ceph-vm}, so they can be cloned to any node; no latency, no faults; 10 s lock wait; statistics
      * every 10 s, as Proxmox's.
      */
    public static ProxmoxSimConfig defaults() {
        List<NodeSpec> nodes = IntStream.rangeClosed(1, 7)
                .mapToObj(i -> new NodeSpec("pve-" + i, 32, 128 * GIB)).toList();
        List<TemplateSpec> templates = List.of(
                new TemplateSpec(9000, "win11-template", 4096),
                new TemplateSpec(9001, "ubuntu-2204-template", 4096),
                new TemplateSpec(9002, "kali-template", 4096));
        return new ProxmoxSimConfig(nodes, templates, Latencies.NONE, Faults.NONE, null,
                42L, "127.0.0.1", 0, 0, "127.0.0.1", null, Duration.ofSeconds(10), null, Duration.ofSeconds(10));
    }

    public ProxmoxSimConfig withNodes(List<NodeSpec> value) {
        return new ProxmoxSimConfig(value, templates, latencies, faults, apiToken, seed, host, port,
                guestPort, guestAddress, tls, lockWait, stateFile, statsInterval);
    }

    public ProxmoxSimConfig withTemplates(List<TemplateSpec> value) {
        return new ProxmoxSimConfig(nodes, value, latencies, faults, apiToken, seed, host, port,
                guestPort, guestAddress, tls, lockWait, stateFile, statsInterval);
    }

    public ProxmoxSimConfig withTemplate(TemplateSpec value) {
        List<TemplateSpec> all = new ArrayList<>(templates);
        all.add(value);
        return withTemplates(all);
    }

    public ProxmoxSimConfig withLatencies(Latencies value) {
        return new ProxmoxSimConfig(nodes, templates, value, faults, apiToken, seed, host, port,
                guestPort, guestAddress, tls, lockWait, stateFile, statsInterval);
    }

    public ProxmoxSimConfig withFaults(Faults value) {
        return new ProxmoxSimConfig(nodes, templates, latencies, value, apiToken, seed, host, port,
                guestPort, guestAddress, tls, lockWait, stateFile, statsInterval);
    }

    /** @param value {@code USER@REALM!TOKENID=SECRET}, as sent after {@code PVEAPIToken=} */
    public ProxmoxSimConfig withApiToken(String value) {
        return new ProxmoxSimConfig(nodes, templates, latencies, faults, value, seed, host, port,
                guestPort, guestAddress, tls, lockWait, stateFile, statsInterval);
    }

    public ProxmoxSimConfig withSeed(long value) {
        return new ProxmoxSimConfig(nodes, templates, latencies, faults, apiToken, value, host, port,
                guestPort, guestAddress, tls, lockWait, stateFile, statsInterval);
    }

    public ProxmoxSimConfig withHost(String value) {
        return new ProxmoxSimConfig(nodes, templates, latencies, faults, apiToken, seed, value, port,
                guestPort, guestAddress, tls, lockWait, stateFile, statsInterval);
    }

    public ProxmoxSimConfig withPort(int value) {
        return new ProxmoxSimConfig(nodes, templates, latencies, faults, apiToken, seed, host, value,
                guestPort, guestAddress, tls, lockWait, stateFile, statsInterval);
    }

    public ProxmoxSimConfig withGuestPort(int value) {
        return new ProxmoxSimConfig(nodes, templates, latencies, faults, apiToken, seed, host, port,
                value, guestAddress, tls, lockWait, stateFile, statsInterval);
    }

    public ProxmoxSimConfig withGuestAddress(String value) {
        return new ProxmoxSimConfig(nodes, templates, latencies, faults, apiToken, seed, host, port,
                guestPort, value, tls, lockWait, stateFile, statsInterval);
    }

    public ProxmoxSimConfig withTls(Tls value) {
        return new ProxmoxSimConfig(nodes, templates, latencies, faults, apiToken, seed, host, port,
                guestPort, guestAddress, value, lockWait, stateFile, statsInterval);
    }

    public ProxmoxSimConfig withLockWait(Duration value) {
        return new ProxmoxSimConfig(nodes, templates, latencies, faults, apiToken, seed, host, port,
                guestPort, guestAddress, tls, value, stateFile, statsInterval);
    }

    public ProxmoxSimConfig withStatsInterval(Duration value) {
        return new ProxmoxSimConfig(nodes, templates, latencies, faults, apiToken, seed, host, port,
                guestPort, guestAddress, tls, lockWait, stateFile, value);
    }

    public ProxmoxSimConfig withStateFile(Path value) {
        return new ProxmoxSimConfig(nodes, templates, latencies, faults, apiToken, seed, host, port,
                guestPort, guestAddress, tls, lockWait, value, statsInterval);
    }

    /** Never print the token. */
    @Override
    public String toString() {
        return "ProxmoxSimConfig[nodes=" + nodes.size() + ", templates=" + templates
                + ", latencies=" + latencies + ", faults=" + faults + ", auth=" + (apiToken != null)
                + ", host=" + host + ", port=" + port + ", guestPort=" + guestPort + ", tls="
                + (tls != null) + "]";
    }

    public record NodeSpec(String name, int cpus, long memoryBytes) {
    }

    /**
      * A template VM on {@code node} (null: the first node) with its disk on {@code storage}: {@code ceph-vm} is
      * shared (clones may go to any node), {@code local-lvm} is not (clones stay on the template's node).
      */
    public record TemplateSpec(int vmid, String name, int memoryMb, String node, String storage) {

        public TemplateSpec {
            if (!ProxmoxCluster.STORAGES.containsKey(storage)) {
                throw new IllegalArgumentException("unknown storage " + storage + "; one of "
                        + ProxmoxCluster.STORAGES.keySet());
            }
        }

        public TemplateSpec(int vmid, String name, int memoryMb) {
            this(vmid, name, memoryMb, null, "ceph-vm");
        }

        public TemplateSpec on(String templateNode, String templateStorage) {
            return new TemplateSpec(vmid, name, memoryMb, templateNode, templateStorage);
        }
    }

    public record Tls(Path keyStore, String password) {

        @Override
        public String toString() {
            return "Tls[keyStore=" + keyStore + "]";
        }
    }

    /**
      * How long the simulated tasks take. {@code boot} is the time from "running" until the guest
      * agent answers. Linked clones (the default for templates) are near-instant in reality; full
      * clones take about 5 s per GiB.
      */
    public record Latencies(Duration linkedClone, Duration fullClone, Duration start, Duration boot,
                                                    Duration stop, Duration delete, Duration suspend, Duration resume) {

        public static final Latencies NONE = new Latencies(Duration.ZERO, Duration.ZERO,
                Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO);

        public Latencies {
            for (Duration d : List.of(linkedClone, fullClone, start, boot, stop, delete, suspend, resume)) {
                if (d.isNegative()) {
                    throw new IllegalArgumentException("latency must not be negative: " + d);
                }
            }
        }

        public Latencies withLinkedClone(Duration d) {
            return new Latencies(d, fullClone, start, boot, stop, delete, suspend, resume);
        }

        public Latencies withFullClone(Duration d) {
            return new Latencies(linkedClone, d, start, boot, stop, delete, suspend, resume);
        }

        public Latencies withStart(Duration d) {
            return new Latencies(linkedClone, fullClone, d, boot, stop, delete, suspend, resume);
        }

        public Latencies withBoot(Duration d) {
            return new Latencies(linkedClone, fullClone, start, d, stop, delete, suspend, resume);
        }

        public Latencies withStop(Duration d) {
            return new Latencies(linkedClone, fullClone, start, boot, d, delete, suspend, resume);
        }

        public Latencies withDelete(Duration d) {
            return new Latencies(linkedClone, fullClone, start, boot, stop, d, suspend, resume);
        }

        public Latencies withSuspend(Duration d) {
            return new Latencies(linkedClone, fullClone, start, boot, stop, delete, d, resume);
        }

        public Latencies withResume(Duration d) {
            return new Latencies(linkedClone, fullClone, start, boot, stop, delete, suspend, d);
        }
    }

    /**
      * Per-request fault probabilities, 0..1, drawn from the seeded random source.
      *
      * @param http5xx        any API call answers 500 with a generic reason
      * @param unreachable595 any API call answers 595 "Connection refused"
      * @param lockTimeout    a worker (clone, start, stop, suspend, resume, destroy) does not get its VM's flock
      *                       and its task ends "can't lock file ... - got timeout", as since PVE 7.2; a config
      *                       change answers it as a 500 (it locks in the API process)
      * @param taskFailure    an accepted action's task ends with an error exit status
      * @param taskWarnings   a task that succeeds ends {@code WARNINGS: 1} instead of {@code OK}
      */
    public record Faults(double http5xx, double unreachable595, double lockTimeout,
                         double taskFailure, double taskWarnings) {

        public static final Faults NONE = new Faults(0, 0, 0, 0, 0);

        public Faults {
            for (double rate : new double[] {http5xx, unreachable595, lockTimeout, taskFailure, taskWarnings}) {
                if (rate < 0 || rate > 1 || Double.isNaN(rate)) {
                    throw new IllegalArgumentException("fault rate must be within 0..1: " + rate);
                }
            }
        }

        public Faults withHttp5xx(double rate) {
            return new Faults(rate, unreachable595, lockTimeout, taskFailure, taskWarnings);
        }

        public Faults withUnreachable595(double rate) {
            return new Faults(http5xx, rate, lockTimeout, taskFailure, taskWarnings);
        }

        public Faults withLockTimeout(double rate) {
            return new Faults(http5xx, unreachable595, rate, taskFailure, taskWarnings);
        }

        public Faults withTaskFailure(double rate) {
            return new Faults(http5xx, unreachable595, lockTimeout, rate, taskWarnings);
        }

        public Faults withTaskWarnings(double rate) {
            return new Faults(http5xx, unreachable595, lockTimeout, taskFailure, rate);
        }
    }
}

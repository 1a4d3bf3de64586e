package io.vigil.simulators;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.vigil.simulators.guacamole.GuacamoleSimConfig;
import io.vigil.simulators.guacamole.GuacamoleSimulator;
import io.vigil.simulators.proxmox.ProxmoxSimConfig;
import io.vigil.simulators.proxmox.ProxmoxSimConfig.Faults;
import io.vigil.simulators.proxmox.ProxmoxSimConfig.Latencies;
import io.vigil.simulators.proxmox.ProxmoxSimConfig.Tls;
import io.vigil.simulators.proxmox.ProxmoxSimulator;
import io.vigil.simulators.vision.VisionSimConfig;
import io.vigil.simulators.vision.VisionSimulator;

/**
  * Runs the simulators (Proxmox, Guacamole, vision service) for the local run until killed. Flags take
  * {@code --name value} or {@code --name=value}; see {@link #USAGE}.
  */
public final class SimulatorsMain {

    static final String USAGE = """
      usage: SimulatorsMain [--host 127.0.0.1] [--proxmox-port 8006] [--guacamole-port 8081]
        [--guest-port 0] [--guest-address 127.0.0.1] [--proxmox-token USER@REALM!TOKENID=SECRET] [--seed 42]
        [--clone-latency-ms 0] [--full-clone-latency-ms 0] [--start-latency-ms 0]
        [--boot-latency-ms 0] [--stop-latency-ms 0] [--delete-latency-ms 0]
        [--suspend-latency-ms 0] [--resume-latency-ms 0]
        [--fault-5xx 0.0] [--fault-595 0.0] [--fault-lock-timeout 0.0] [--fault-task-failure 0.0]
        [--fault-task-warnings 0.0] [--lock-wait-ms 10000] [--state-file cluster.json]
        [--proxmox-tls-keystore file.p12 --proxmox-tls-password pw]
        [--guacamole-username guacadmin] [--guacamole-password guacadmin]
        [--guacamole-token-lifetime-s 3600]
        [--vision-port 8090] [--vision-latency-ms 0] [--vision-fault-503 0.0] [--vision-fault-429 0.0]
        [--vision-fault-reset 0.0]
      Runtime changes: PUT http://HOST:PROXMOX_PORT/sim/config
        {"faults":{...},"latencies":{"cloneMs":...},"unreachableNodes":["pve-3"]}
        and PUT http://HOST:VISION_PORT/sim/config {"latencyMs":...,"faults":{"unavailable":0.1,"reset":...}}""";

    private SimulatorsMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        // Not a plain logback.xml: this jar sits on other modules' classpaths and must not take over
        // their logging. Set before the first logger exists.
        System.setProperty("logback.configurationFile",
                System.getProperty("logback.configurationFile",
                        "io/vigil/simulators/simulators-logback.xml"));
        Logger log = LoggerFactory.getLogger(SimulatorsMain.class);
        Map<String, String> opts = parse(args);
        String host = opts.getOrDefault("host", "127.0.0.1");
        ProxmoxSimConfig proxmox = ProxmoxSimConfig.defaults().withHost(host)
                .withPort(integer(opts, "proxmox-port", 8006))
                .withGuestPort(integer(opts, "guest-port", 0))
                .withGuestAddress(opts.getOrDefault("guest-address", "127.0.0.1"))
                .withSeed(Long.parseLong(opts.getOrDefault("seed", "42")))
                .withApiToken(opts.get("proxmox-token"))
                .withLatencies(new Latencies(ms(opts, "clone"), ms(opts, "full-clone"),
                        ms(opts, "start"), ms(opts, "boot"), ms(opts, "stop"), ms(opts, "delete"),
                        ms(opts, "suspend"), ms(opts, "resume")))
                .withFaults(new Faults(rate(opts, "fault-5xx"), rate(opts, "fault-595"),
                        rate(opts, "fault-lock-timeout"), rate(opts, "fault-task-failure"),
                        rate(opts, "fault-task-warnings")))
                .withLockWait(Duration.ofMillis(integer(opts, "lock-wait-ms", 10_000)));
        if (opts.containsKey("state-file")) {
            proxmox = proxmox.withStateFile(Path.of(opts.get("state-file")));
        }
        if (opts.containsKey("proxmox-tls-keystore")) {
            proxmox = proxmox.withTls(new Tls(Path.of(opts.get("proxmox-tls-keystore")),
                    opts.getOrDefault("proxmox-tls-password", "")));
        }
        GuacamoleSimConfig guacamole = GuacamoleSimConfig.defaults().withHost(host)
                .withPort(integer(opts, "guacamole-port", 8081))
                .withCredentials(opts.getOrDefault("guacamole-username", "guacadmin"),
                        opts.getOrDefault("guacamole-password", "guacadmin"))
                .withTokenIdleLifetime(Duration.ofSeconds(integer(opts, "guacamole-token-lifetime-s",
                        3600)));
        VisionSimConfig visionConfig = VisionSimConfig.defaults().withHost(host)
                .withPort(integer(opts, "vision-port", 8090))
                .withLatency(Duration.ofMillis(integer(opts, "vision-latency-ms", 0)))
                .withFaults(VisionSimConfig.Faults.NONE.withUnavailable(rate(opts, "vision-fault-503"))
                        .withTooManyRequests(rate(opts, "vision-fault-429"))
                        .withReset(rate(opts, "vision-fault-reset")));
        ProxmoxSimulator pve = ProxmoxSimulator.start(proxmox);
        GuacamoleSimulator guac = GuacamoleSimulator.start(guacamole);
        VisionSimulator vision = VisionSimulator.start(visionConfig);
        log.info("Simulators up: Proxmox {} (guest port {}), Guacamole {}/api, vision {}/vision/process",
                pve.baseUrl(), pve.guestPort(), guac.baseUrl(), vision.baseUrl());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            pve.close();
            guac.close();
            vision.close();
            stopped.countDown();
        }, "simulators-shutdown"));
        stopped.await();
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h") || !arg.startsWith("--")) {
                System.out.println(USAGE);
                if (!arg.startsWith("--")) {
                    throw new IllegalArgumentException("unexpected argument: " + arg);
                }
                System.exit(0);
            }
            int eq = arg.indexOf('=');
            if (eq > 0) {
                opts.put(arg.substring(2, eq), arg.substring(eq + 1));
            } else if (i + 1 < args.length) {
                opts.put(arg.substring(2), args[++i]);
            } else {
                throw new IllegalArgumentException("missing value for " + arg + "\n" + USAGE);
            }
        }
        return opts;
    }

    private static int integer(Map<String, String> opts, String name, int fallback) {
        return opts.containsKey(name) ? Integer.parseInt(opts.get(name)) : fallback;
    }

    private static Duration ms(Map<String, String> opts, String action) {
        return Duration.ofMillis(integer(opts, action + "-latency-ms", 0));
    }

    private static double rate(Map<String, String> opts, String name) {
        return Double.parseDouble(opts.getOrDefault(name, "0"));
    }
}

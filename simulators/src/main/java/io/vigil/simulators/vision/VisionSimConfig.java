package io.vigil.simulators.vision;

import java.time.Duration;
import java.util.Objects;

/**
 * Start-up configuration of the {@link VisionSimulator}. Latency and faults can also be changed while it runs.
 *
 * @param port    HTTP port, 0 for a random free one
 * @param latency added before every {@code /vision/process} answer (a GPU service answers in under 100 ms, a CPU
 *                one in under 200 ms; set it past a client's timeout to simulate a hung service)
 * @param seed    of the draws that decide which request a fault rate hits
 */
public record VisionSimConfig(String host, int port, Duration latency, Faults faults, long seed) {

    public VisionSimConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(faults, "faults");
        if (latency == null || latency.isNegative()) {
            throw new IllegalArgumentException("latency must be zero or positive");
        }
    }

    /** 127.0.0.1, random port, no latency, no faults. */
    public static VisionSimConfig defaults() {
        return new VisionSimConfig("127.0.0.1", 0, Duration.ZERO, Faults.NONE, 42L);
    }

    public VisionSimConfig withHost(String value) {
        return new VisionSimConfig(value, port, latency, faults, seed);
    }

    public VisionSimConfig withPort(int value) {
        return new VisionSimConfig(host, value, latency, faults, seed);
    }

    public VisionSimConfig withLatency(Duration value) {
        return new VisionSimConfig(host, port, value, faults, seed);
    }

    public VisionSimConfig withFaults(Faults value) {
        return new VisionSimConfig(host, port, latency, value, seed);
    }

    public VisionSimConfig withSeed(long value) {
        return new VisionSimConfig(host, port, latency, faults, value);
    }

    /**
     * Each a rate within 0..1 of {@code /vision/process} requests, drawn in this order (1.0 hits every request):
     *
     * @param unavailable     503 with a JSON error, as while the service loads its models
     * @param tooManyRequests 429, as when its queue is full
     * @param reset           the connection is reset before any answer, as when the service crashes mid-frame
     * @param malformed       200 whose body is not JSON, as from a broken proxy
     */
    public record Faults(double unavailable, double tooManyRequests, double reset, double malformed) {

        public static final Faults NONE = new Faults(0, 0, 0, 0);

        public Faults {
            for (double rate : new double[] {unavailable, tooManyRequests, reset, malformed}) {
                if (rate < 0 || rate > 1 || Double.isNaN(rate)) {
                    throw new IllegalArgumentException("fault rate must be within 0..1: " + rate);
                }
            }
        }

        public Faults withUnavailable(double rate) {
            return new Faults(rate, tooManyRequests, reset, malformed);
        }

        public Faults withTooManyRequests(double rate) {
            return new Faults(unavailable, rate, reset, malformed);
        }

        public Faults withReset(double rate) {
            return new Faults(unavailable, tooManyRequests, rate, malformed);
        }

        public Faults withMalformed(double rate) {
            return new Faults(unavailable, tooManyRequests, reset, rate);
        }
    }
}

package io.vigil.bench;

import java.util.Arrays;
import java.util.Locale;

/** Exact percentiles over recorded samples (nearest rank); the benches record few enough samples to sort. */
final class Stats {
    private final double[] sorted;

    private Stats(double[] values) {
        this.sorted = values.clone();
        Arrays.sort(sorted);
    }

    static Stats of(double[] values) {
        return new Stats(values);
    }

    static Stats ofNanos(long[] nanos, int count) {
        double[] ms = new double[count];
        for (int i = 0; i < count; i++) {
            ms[i] = nanos[i] / 1e6;
        }
        return new Stats(ms);
    }

    int count() {
        return sorted.length;
    }

    double percentile(double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    double max() {
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1];
    }

    double min() {
        return sorted.length == 0 ? Double.NaN : sorted[0];
    }

    double mean() {
        return sorted.length == 0 ? Double.NaN : Arrays.stream(sorted).average().orElse(Double.NaN);
    }

    static String ms(double value) {
        if (Double.isNaN(value)) {
            return "–";
        }
        return value < 10 ? String.format(Locale.ROOT, "%.2f", value) : String.format(Locale.ROOT, "%.0f", value);
    }

    static String rate(double value) {
        return String.format(Locale.ROOT, "%,.0f", value);
    }

    static String ratio(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }
}

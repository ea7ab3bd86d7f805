package org.mge4j.bench;

import java.util.Arrays;
import java.util.List;

/** Median and percentiles of timing samples (ms). */
record Stats(int n, double p10, double median, double p90) {

    static Stats of(List<Double> samples) {
        double[] s = samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (s.length == 0) {
            return new Stats(0, Double.NaN, Double.NaN, Double.NaN);
        }
        return new Stats(s.length, percentile(s, 10), percentile(s, 50), percentile(s, 90));
    }

    /** Linear interpolation between closest ranks, as numpy's default. */
    static double percentile(double[] sorted, double p) {
        double pos = p / 100.0 * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }

    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s.length == 0 ? Double.NaN : percentile(s, 50);
    }
}

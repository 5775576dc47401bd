package dev.tl.bench;

import java.util.Arrays;

/**
 * Median and spread of repeated timings. The median, not the mean, because on shared 2-vCPU machines one
 * run disturbed by another process can be 5-20x slower; min..max shows how much the runs disagreed.
 *
 * @param median median of the samples (the mean of the two middle ones for an even count)
 * @param min    smallest sample
 * @param max    largest sample
 * @param runs   number of samples
 */
public record Stats(double median, double min, double max, int runs) {
    public static Stats of(double... samples) {
        if (samples.length == 0) throw new IllegalArgumentException("no samples");
        double[] s = samples.clone();
        Arrays.sort(s);
        int n = s.length;
        double med = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
        return new Stats(med, s[0], s[n - 1], n);
    }

    /** "median (min..max)" with the given number format, e.g. {@code "%.1f"}. */
    public String format(String fmt) {
        return String.format(fmt, median) + " (" + String.format(fmt, min) + ".." + String.format(fmt, max) + ")";
    }
}

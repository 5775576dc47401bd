package dev.tl.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BootstrapTest {

    @Test
    void sameSeedSameIntervals() {
        Evaluation e = Fixtures.eightyPercent(10);
        Bootstrap.Result a = new Bootstrap(7).run(e);
        Bootstrap.Result b = new Bootstrap(7).run(e);
        assertEquals(a, b);
        assertEquals(1000, a.resamples());
        assertEquals(7, a.seed());
        assertEquals(a.accuracy(), new Bootstrap(7).accuracy(e));
        assertEquals(a.macroF1(), new Bootstrap(7).macroF1(e));
    }

    @Test
    void seedMatters() {
        Evaluation e = Fixtures.eightyPercent(10);
        Set<Bootstrap.Result> results = new HashSet<>();
        for (long seed = 1; seed <= 5; seed++) {
            results.add(new Bootstrap(200, seed).run(e));
        }
        assertTrue(results.size() > 1, "five seeds gave identical intervals: the seed is not used");
    }

    @Test
    void intervalContainsPointEstimate() {
        for (Evaluation e : List.of(Fixtures.eightyPercent(10), Fixtures.eightyPercent(30), Fixtures.threeClass())) {
            Bootstrap.Result r = new Bootstrap(3).run(e);
            assertTrue(r.accuracy().contains(e.accuracy()), r + " vs " + e.accuracy());
            assertTrue(r.macroF1().contains(e.macro().f1()), r + " vs " + e.macro().f1());
        }
    }

    @Test
    void widthIsAboutWhatTheBinomialPredictsAndNarrowsWithMoreData() {
        // n = 100 at p = 0.8: normal approximation 95% width = 2 * 1.96 * sqrt(0.8*0.2/100) = 0.157
        Bootstrap.Interval small = new Bootstrap(11).accuracy(Fixtures.eightyPercent(10));
        assertTrue(small.width() > 0.11 && small.width() < 0.21, small.toString());
        // n = 10000: width 0.0157, ten times narrower
        Bootstrap.Interval large = new Bootstrap(11).accuracy(Fixtures.eightyPercent(1000));
        assertTrue(large.width() < small.width() / 5, small + " vs " + large);
        assertTrue(large.contains(0.8), large.toString());
        Bootstrap.Interval smallF1 = new Bootstrap(11).macroF1(Fixtures.eightyPercent(10));
        Bootstrap.Interval largeF1 = new Bootstrap(11).macroF1(Fixtures.eightyPercent(1000));
        assertTrue(largeF1.width() < smallF1.width() / 5, smallF1 + " vs " + largeF1);
    }

    @Test
    void perfectModelHasDegenerateInterval() {
        Evaluation e = Fixtures.binary(new int[] {0, 1, 0, 1}, new float[] {0.1f, 0.9f, 0.2f, 0.8f});
        Bootstrap.Result r = new Bootstrap(1).run(e);
        assertEquals(new Bootstrap.Interval(1, 1), r.accuracy());
        assertEquals(new Bootstrap.Interval(1, 1), r.macroF1());
    }

    @Test
    void quantileInterpolatesLikeNumpy() {
        double[] v = {1, 2, 3, 4, 5};
        // position = q * (n - 1): q = 0.25 -> 1.0 -> value 2; q = 0.1 -> 0.4 -> 1 + 0.4 * (2 - 1) = 1.4
        assertEquals(2.0, Bootstrap.quantile(v, 0.25), 1e-12);
        assertEquals(1.4, Bootstrap.quantile(v, 0.1), 1e-12);
        assertEquals(5.0, Bootstrap.quantile(v, 1.0), 1e-12);
        // 101 values 0..100: 2.5% -> position 2.5 -> 2.5; 97.5% -> position 97.5 -> 97.5
        double[] w = new double[101];
        for (int i = 0; i <= 100; i++) {
            w[i] = 100 - i; // unsorted on purpose
        }
        assertEquals(new Bootstrap.Interval(2.5, 97.5), Bootstrap.percentileInterval(w));
    }

    @Test
    void rejectsNoResamples() {
        assertThrows(IllegalArgumentException.class, () -> new Bootstrap(0, 1));
    }
}

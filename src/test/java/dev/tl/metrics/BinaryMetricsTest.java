package dev.tl.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BinaryMetricsTest {

    private static final double EPS = 1e-9;

    @Test
    void rocAucWithTiesMatchesPairCount() {
        // positives score {0.9, 0.6, 0.4}, negatives {0.6, 0.4, 0.2, 0.1}; 3*4 = 12 pairs.
        // Count, per positive, negatives below it (1) plus ties (1/2):
        //   0.9: above all four                              -> 4
        //   0.6: ties 0.6 (0.5), above 0.4, 0.2, 0.1          -> 3.5
        //   0.4: below 0.6 (0), ties 0.4 (0.5), above 0.2, 0.1 -> 2.5
        // AUC = (4 + 3.5 + 2.5)/12 = 10/12 = 0.833333
        int[] truth = {1, 0, 1, 0, 1, 0, 0};
        float[] score = {0.9f, 0.6f, 0.6f, 0.4f, 0.4f, 0.2f, 0.1f};
        assertEquals(10.0 / 12, Fixtures.binary(truth, score).rocAuc().getAsDouble(), EPS);
    }

    @Test
    void rocAucIsOrderIndependentAndHandlesAllTies() {
        // same data as above, shuffled
        int[] truth = {0, 0, 1, 0, 1, 1, 0};
        float[] score = {0.1f, 0.4f, 0.4f, 0.6f, 0.9f, 0.6f, 0.2f};
        assertEquals(10.0 / 12, Fixtures.binary(truth, score).rocAuc().getAsDouble(), EPS);
        // every score equal: every pair is a tie -> 1/2
        assertEquals(0.5, Fixtures.binary(new int[] {0, 1, 1, 0, 1}, new float[] {0.3f, 0.3f, 0.3f, 0.3f, 0.3f})
                .rocAuc().getAsDouble(), EPS);
        // perfect ranking -> 1, inverted -> 0
        assertEquals(1.0, Fixtures.binary(new int[] {0, 0, 1, 1}, new float[] {0.1f, 0.2f, 0.7f, 0.8f})
                .rocAuc().getAsDouble(), EPS);
        assertEquals(0.0, Fixtures.binary(new int[] {1, 1, 0, 0}, new float[] {0.1f, 0.2f, 0.7f, 0.8f})
                .rocAuc().getAsDouble(), EPS);
    }

    @Test
    void rocAucUndefinedWithOneClassOrThreeClasses() {
        Evaluation onlyNeg = Fixtures.binary(new int[] {0, 0, 0}, new float[] {0.1f, 0.7f, 0.3f});
        assertTrue(onlyNeg.rocAuc().isEmpty());
        assertTrue(onlyNeg.warnings().stream().anyMatch(w -> w.contains("roc_auc")), onlyNeg.warnings().toString());
        assertTrue(Fixtures.threeClass().rocAuc().isEmpty());
    }

    @Test
    void binaryMccMatchesTextbookFormula() {
        // TP 3 (truth 1, pred 1), FN 1 (truth 1, pred 0), FP 2 (truth 0, pred 1), TN 4 (truth 0, pred 0)
        // MCC = (TP*TN - FP*FN) / sqrt((TP+FP)(TP+FN)(TN+FP)(TN+FN))
        //     = (12 - 2) / sqrt(5 * 4 * 6 * 5) = 10 / sqrt(600) = 0.4082483
        int[] truth = {1, 1, 1, 1, 0, 0, 0, 0, 0, 0};
        float[] score = {0.9f, 0.8f, 0.7f, 0.2f, 0.6f, 0.7f, 0.1f, 0.2f, 0.3f, 0.4f};
        Evaluation e = Fixtures.binary(truth, score);
        long[][] cm = e.confusionMatrix();
        assertEquals(4, cm[0][0]); // TN
        assertEquals(2, cm[0][1]); // FP
        assertEquals(1, cm[1][0]); // FN
        assertEquals(3, cm[1][1]); // TP
        assertEquals(10 / Math.sqrt(600), e.mcc(), EPS);
    }

    @Test
    void mccExtremes() {
        // perfect -> 1; perfectly inverted -> -1; constant predictor -> 0 (0/0 defined as 0, like sklearn)
        assertEquals(1.0, Fixtures.binary(new int[] {0, 1, 0, 1}, new float[] {0.1f, 0.9f, 0.2f, 0.8f}).mcc(), EPS);
        assertEquals(-1.0, Fixtures.binary(new int[] {1, 0, 1, 0}, new float[] {0.1f, 0.9f, 0.2f, 0.8f}).mcc(), EPS);
        assertEquals(0.0, Fixtures.binary(new int[] {0, 1, 0, 1}, new float[] {0.9f, 0.9f, 0.8f, 0.8f}).mcc(), EPS);
    }
}

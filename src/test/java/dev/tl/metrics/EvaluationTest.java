package dev.tl.metrics;

import static dev.tl.metrics.Fixtures.row;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EvaluationTest {

    private static final double EPS = 1e-9;
    /** For values computed from float probabilities (float rounding is ~6e-8). */
    private static final double FEPS = 1e-6;

    @Test
    void threeClassConfusionMatrixAndAccuracy() {
        Evaluation e = Fixtures.threeClass();
        // See Fixtures.threeClass: rows A [3,1,0], B [1,2,0], C [1,0,2].
        long[][] expected = {{3, 1, 0}, {1, 2, 0}, {1, 0, 2}};
        long[][] cm = e.confusionMatrix();
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(expected[i], cm[i], "row " + i);
        }
        // accuracy = trace / n = (3 + 2 + 2) / 10 = 0.7
        assertEquals(0.7, e.accuracy(), EPS);
        assertEquals(10, e.size());
        assertArrayEquals(new int[] {0, 0, 0, 1, 0, 1, 1, 0, 2, 2}, e.predictions());
    }

    @Test
    void threeClassPerClassByHand() {
        List<Evaluation.ClassMetrics> pc = Fixtures.threeClass().perClass();
        // A: TP 3, predicted-as-A 5 (column sum), support 4 (row sum)
        //    P = 3/5 = 0.6, R = 3/4 = 0.75, F1 = 2*0.6*0.75/(0.6+0.75) = 0.9/1.35 = 2/3
        check(pc.get(0), "A", 0.6, 0.75, 2.0 / 3, 4);
        // B: TP 2, predicted-as-B 3, support 3: P = 2/3, R = 2/3, F1 = 2/3
        check(pc.get(1), "B", 2.0 / 3, 2.0 / 3, 2.0 / 3, 3);
        // C: TP 2, predicted-as-C 2, support 3: P = 2/2 = 1, R = 2/3,
        //    F1 = 2*1*(2/3)/(1+2/3) = (4/3)/(5/3) = 0.8
        check(pc.get(2), "C", 1.0, 2.0 / 3, 0.8, 3);
    }

    private static void check(Evaluation.ClassMetrics m, String name, double p, double r, double f1, long support) {
        assertEquals(name, m.name());
        assertEquals(p, m.precision(), EPS, name + " precision");
        assertEquals(r, m.recall(), EPS, name + " recall");
        assertEquals(f1, m.f1(), EPS, name + " f1");
        assertEquals(support, m.support(), name + " support");
    }

    @Test
    void threeClassMacroAndWeightedByHand() {
        Evaluation e = Fixtures.threeClass();
        // macro P = (3/5 + 2/3 + 1)/3 = (9/15 + 10/15 + 15/15)/3 = 34/45 = 0.75556
        // macro R = (3/4 + 2/3 + 2/3)/3 = (9/12 + 8/12 + 8/12)/3 = 25/36 = 0.69444
        // macro F1 = (2/3 + 2/3 + 4/5)/3 = (10/15 + 10/15 + 12/15)/3 = 32/45 = 0.71111
        assertEquals(34.0 / 45, e.macro().precision(), EPS);
        assertEquals(25.0 / 36, e.macro().recall(), EPS);
        assertEquals(32.0 / 45, e.macro().f1(), EPS);
        // weighted P = (4*0.6 + 3*(2/3) + 3*1)/10 = (2.4 + 2 + 3)/10 = 0.74
        // weighted R = (4*0.75 + 3*(2/3) + 3*(2/3))/10 = (3 + 2 + 2)/10 = 0.7 (= accuracy)
        // weighted F1 = (4*(2/3) + 3*(2/3) + 3*0.8)/10 = (8/3 + 2 + 2.4)/10 = 106/150 = 0.70667
        assertEquals(0.74, e.weighted().precision(), EPS);
        assertEquals(0.7, e.weighted().recall(), EPS);
        assertEquals(106.0 / 150, e.weighted().f1(), EPS);
    }

    @Test
    void threeClassMccByHand() {
        // sklearn multiclass MCC: t = true counts [4,3,3], p = predicted counts [5,3,2], c = trace 7, s = n 10
        // cov(yt,yp) = c*s - sum t_k p_k = 70 - (20 + 9 + 6) = 35
        // cov(yp,yp) = s^2 - sum p_k^2   = 100 - (25 + 9 + 4) = 62
        // cov(yt,yt) = s^2 - sum t_k^2   = 100 - (16 + 9 + 9) = 66
        // MCC = 35 / sqrt(62 * 66) = 35 / sqrt(4092) = 35 / 63.9687 = 0.547142
        assertEquals(0.547142, Fixtures.threeClass().mcc(), 1e-6);
    }

    @Test
    void topKWithTieRuleAndCap() {
        Evaluation e = Fixtures.threeClass();
        // top-1 is accuracy.
        assertEquals(0.7, e.topKAccuracy(1), EPS);
        // top-2: the wrong rows are 3, 4, 7.
        //   row 3 truth A p=0.30, only B (0.60) above it -> rank 2, inside top-2
        //   row 4 truth B p=0.20, only A (0.70) above it -> inside
        //   row 7 truth C p=0.30, A (0.40) above, B (0.30) ties and has the lower index -> rank 3, outside
        // so 9/10.
        assertEquals(0.9, e.topKAccuracy(2), EPS);
        // k >= classes: always contained, capped instead of crashing.
        assertEquals(1.0, e.topKAccuracy(3), EPS);
        assertEquals(1.0, e.topKAccuracy(5), EPS);
        assertEquals(1.0, e.topKAccuracy(1000), EPS);
        assertThrows(IllegalArgumentException.class, () -> e.topKAccuracy(0));
    }

    @Test
    void topKOnBinaryWithLargeK() {
        Evaluation e = Fixtures.binary(new int[] {0, 1}, new float[] {0.9f, 0.2f}); // both wrong
        assertEquals(0.0, e.accuracy(), EPS);
        assertEquals(1.0, e.topKAccuracy(5), EPS);
    }

    @Test
    void logLossTinyExampleWithClipping() {
        // truth 0 with p=0.8 and truth 1 with p=0.6:
        // loss = -(ln 0.8 + ln 0.6)/2 = (0.2231436 + 0.5108256)/2 = 0.3669846
        Evaluation e = new Evaluation(List.of("x", "y"), new int[] {0, 1},
                new float[][] {row(0.8f, 0.2f), row(0.4f, 0.6f)});
        assertEquals(0.3669846, e.logLoss(), FEPS);
        // add a confidently wrong row (truth 0, p = 0): clipped to 1e-15, -ln(1e-15) = 15 ln 10 = 34.5387764
        // loss = (0.2231436 + 0.5108256 + 34.5387764)/3 = 35.2727456/3 = 11.7575819 (finite, not infinity)
        Evaluation clipped = new Evaluation(List.of("x", "y"), new int[] {0, 1, 0},
                new float[][] {row(0.8f, 0.2f), row(0.4f, 0.6f), row(0f, 1f)});
        assertEquals(11.7575819, clipped.logLoss(), FEPS);
    }

    /**
     * Three classes, six samples (confidence = max probability):
     * <pre>
     *   s1 [0.9 0.05 0.05] truth 0 -> pred 0 conf 0.90 right
     *   s2 [0.1 0.8  0.1 ] truth 0 -> pred 1 conf 0.80 wrong
     *   s3 [0.2 0.1  0.7 ] truth 2 -> pred 2 conf 0.70 right
     *   s4 [0.5 0.25 0.25] truth 0 -> pred 0 conf 0.50 right
     *   s5 [0.4 0.3  0.3 ] truth 1 -> pred 0 conf 0.40 wrong
     *   s6 [0.3 0.45 0.25] truth 1 -> pred 1 conf 0.45 right
     * </pre>
     */
    private static Evaluation calibrationExample() {
        return new Evaluation(List.of("a", "b", "c"), new int[] {0, 0, 2, 0, 1, 1}, new float[][] {
                row(0.9f, 0.05f, 0.05f), row(0.1f, 0.8f, 0.1f), row(0.2f, 0.1f, 0.7f),
                row(0.5f, 0.25f, 0.25f), row(0.4f, 0.3f, 0.3f), row(0.3f, 0.45f, 0.25f)});
    }

    @Test
    void eceWithTwoBinsByHand() {
        Evaluation e = calibrationExample();
        // bins (0, 0.5] and (0.5, 1]; 0.5 is on the right-closed edge, so s4 goes to bin 0.
        // bin 0: s4, s5, s6: mean conf (0.5 + 0.4 + 0.45)/3 = 0.45, accuracy 2/3, gap 0.216667
        // bin 1: s1, s2, s3: mean conf (0.9 + 0.8 + 0.7)/3 = 0.8,  accuracy 2/3, gap 0.133333
        // ECE = 3/6 * 0.216667 + 3/6 * 0.133333 = 0.108333 + 0.066667 = 0.175
        List<Evaluation.CalibrationBin> bins = e.calibrationBins(2);
        assertEquals(2, bins.size());
        assertEquals(3, bins.get(0).count());
        assertEquals(0.45, bins.get(0).meanConfidence(), FEPS);
        assertEquals(2.0 / 3, bins.get(0).accuracy(), EPS);
        assertEquals(0.0, bins.get(0).lower(), EPS);
        assertEquals(0.5, bins.get(0).upper(), EPS);
        assertEquals(3, bins.get(1).count());
        assertEquals(0.8, bins.get(1).meanConfidence(), FEPS);
        assertEquals(2.0 / 3, bins.get(1).accuracy(), EPS);
        assertEquals(0.175, e.expectedCalibrationError(2), FEPS);
    }

    @Test
    void eceWithTenBinsPutsFloatEdgesInTheLowerBin() {
        Evaluation e = calibrationExample();
        // (0.8,0.9]: s1 conf .9 right -> gap 0.1
        // (0.7,0.8]: s2 conf .8 wrong -> gap 0.8   (0.8f = 0.800000012 must not go to (0.8,0.9])
        // (0.6,0.7]: s3 conf .7 right -> gap 0.3
        // (0.4,0.5]: s4 .5, s6 .45, both right -> mean .475, acc 1, gap 0.525, weight 2
        // (0.3,0.4]: s5 conf .4 wrong -> gap 0.4
        // ECE = (0.1 + 0.8 + 0.3 + 2*0.525 + 0.4)/6 = 2.65/6 = 0.441667
        List<Evaluation.CalibrationBin> bins = e.calibrationBins();
        assertEquals(10, bins.size());
        long[] counts = bins.stream().mapToLong(Evaluation.CalibrationBin::count).toArray();
        assertArrayEquals(new long[] {0, 0, 0, 1, 2, 0, 1, 1, 1, 0}, counts);
        assertTrue(Double.isNaN(bins.get(0).meanConfidence()), "empty bin has no mean confidence");
        assertEquals(2.65 / 6, e.expectedCalibrationError(), FEPS);
    }

    @Test
    void perfectlyCalibratedHasZeroEce() {
        // four rows at confidence 0.75, three right: accuracy 0.75 = confidence -> ECE 0
        Evaluation e = new Evaluation(List.of("a", "b"), new int[] {0, 0, 0, 1}, new float[][] {
                row(0.75f, 0.25f), row(0.75f, 0.25f), row(0.75f, 0.25f), row(0.75f, 0.25f)});
        assertEquals(0.0, e.expectedCalibrationError(), FEPS);
    }

    @Test
    void mostConfidentlyWrongInOrder() {
        // wrong rows: 4 (B->A, 0.7), 3 (A->B, 0.6), 7 (C->A, 0.4)
        List<Evaluation.Mistake> w = Fixtures.threeClass().mostConfidentlyWrong(2);
        assertEquals(2, w.size());
        assertEquals(new Evaluation.Mistake(4, "img4.jpg", "B", "A", 0.7f), w.get(0));
        assertEquals(new Evaluation.Mistake(3, "img3.jpg", "A", "B", 0.6f), w.get(1));
        assertEquals(3, Fixtures.threeClass().mostConfidentlyWrong(100).size());
        // eightyPercent(1): wrong rows 6 and 9, both at confidence 0.8 -> tie broken by index, no ids -> "#6"
        List<Evaluation.Mistake> tied = Fixtures.eightyPercent(1).mostConfidentlyWrong(5);
        assertEquals(List.of("#6", "#9"), tied.stream().map(Evaluation.Mistake::id).toList());
    }

    @Test
    void classNeitherPresentNorPredictedIsLeftOutOfMacro() {
        // truth A A B B, predictions A B B B, class C never occurs and is never predicted.
        // A: P 1/1 = 1, R 1/2, F1 = 2*1*0.5/1.5 = 2/3;  B: P 2/3, R 2/2 = 1, F1 = 2*(2/3)/(5/3) = 0.8
        // macro F1 over {A, B} = (2/3 + 0.8)/2 = 22/30 = 0.73333 (with C's 0 it would be 22/45 = 0.4889)
        Evaluation e = new Evaluation(List.of("A", "B", "C"), new int[] {0, 0, 1, 1}, new float[][] {
                row(0.8f, 0.1f, 0.1f), row(0.2f, 0.7f, 0.1f), row(0.1f, 0.8f, 0.1f), row(0.1f, 0.8f, 0.1f)});
        assertEquals(22.0 / 30, e.macro().f1(), EPS);
        // weighted is by support and C has none: (2*(2/3) + 2*0.8)/4 = 0.73333 as well
        assertEquals(22.0 / 30, e.weighted().f1(), EPS);
        assertEquals(0, e.perClass().get(2).support());
        assertTrue(e.warnings().stream().anyMatch(w -> w.contains("'C'") && w.contains("left out")), e.warnings().toString());
    }

    @Test
    void classPredictedButAbsentCountsAsZeroInMacro() {
        // truth A A B B, predictions A C B B: C is predicted once but never true.
        // A: P 1, R 1/2, F1 2/3; B: P 1, R 1, F1 1; C: P 0/1 = 0, R 0/0 -> 0, F1 0
        // macro F1 = (2/3 + 1 + 0)/3 = 5/9 = 0.5556 (sklearn includes predicted labels)
        Evaluation e = new Evaluation(List.of("A", "B", "C"), new int[] {0, 0, 1, 1}, new float[][] {
                row(0.8f, 0.1f, 0.1f), row(0.2f, 0.1f, 0.7f), row(0.1f, 0.8f, 0.1f), row(0.1f, 0.8f, 0.1f)});
        assertEquals(5.0 / 9, e.macro().f1(), EPS);
        assertEquals(0.0, e.perClass().get(2).precision(), EPS);
        assertEquals(0.0, e.perClass().get(2).recall(), EPS);
    }

    @Test
    void argmaxTiesGoToLowerIndex() {
        Evaluation e = Fixtures.binary(new int[] {1, 0}, new float[] {0.5f, 0.5f});
        assertArrayEquals(new int[] {0, 0}, e.predictions());
        assertEquals(0.5, e.accuracy(), EPS);
    }

    @Test
    void smallSampleWarning() {
        // 100/153 = 0.6536 -> "0.65"
        assertEquals(Optional.of("153 images: one image moves accuracy by 0.65 points"),
                Evaluation.smallSampleWarning(153));
        assertEquals(Optional.of("1 image: one image moves accuracy by 100.00 points"),
                Evaluation.smallSampleWarning(1));
        assertTrue(Evaluation.smallSampleWarning(999).isPresent());
        assertFalse(Evaluation.smallSampleWarning(1000).isPresent());
        assertEquals("10 images: one image moves accuracy by 10.00 points", Fixtures.threeClass().warnings().get(0));
        assertTrue(Fixtures.eightyPercent(100).warnings().isEmpty(), "1000 samples, all classes present");
    }

    @Test
    void rejectsInputsThatAreNotProbabilities() {
        List<String> ab = List.of("a", "b");
        assertThrows(IllegalArgumentException.class, () -> new Evaluation(ab, new int[0], new float[0][]));
        assertThrows(IllegalArgumentException.class,
                () -> new Evaluation(List.of("a"), new int[] {0}, new float[][] {row(1f)}));
        // logits, not probabilities
        IllegalArgumentException logits = assertThrows(IllegalArgumentException.class,
                () -> new Evaluation(ab, new int[] {0}, new float[][] {row(2.3f, -1.2f)}));
        assertTrue(logits.getMessage().contains("logits"), logits.getMessage());
        // not normalized
        assertThrows(IllegalArgumentException.class,
                () -> new Evaluation(ab, new int[] {0}, new float[][] {row(0.5f, 0.4f)}));
        assertThrows(IllegalArgumentException.class,
                () -> new Evaluation(ab, new int[] {0}, new float[][] {row(Float.NaN, 1f)}));
        // truth out of range, wrong row width, mismatched lengths
        assertThrows(IllegalArgumentException.class,
                () -> new Evaluation(ab, new int[] {2}, new float[][] {row(0.5f, 0.5f)}));
        assertThrows(IllegalArgumentException.class,
                () -> new Evaluation(ab, new int[] {0}, new float[][] {row(0.5f, 0.25f, 0.25f)}));
        assertThrows(IllegalArgumentException.class,
                () -> new Evaluation(ab, new int[] {0, 1}, new float[][] {row(0.5f, 0.5f)}));
        assertThrows(IllegalArgumentException.class,
                () -> new Evaluation(ab, new int[] {0}, new float[][] {row(0.5f, 0.5f)}, new String[] {"x", "y"}));
    }

    @Test
    void inputArraysAreCopied() {
        int[] truth = {0, 1};
        float[][] p = {row(0.9f, 0.1f), row(0.2f, 0.8f)};
        Evaluation e = new Evaluation(List.of("a", "b"), truth, p);
        truth[0] = 1;
        p[1][0] = 0.9f;
        p[1][1] = 0.1f;
        assertEquals(1.0, e.accuracy(), EPS);
        assertEquals(-(Math.log(0.9f) + Math.log(0.8f)) / 2, e.logLoss(), EPS);
        e.confusionMatrix()[0][0] = 99;
        assertEquals(1, e.confusionMatrix()[0][0]);
    }
}

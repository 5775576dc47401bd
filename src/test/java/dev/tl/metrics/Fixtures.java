package dev.tl.metrics;

import java.util.List;

/** Small hand-made evaluation sets whose metrics are worked out by hand in the tests. */
final class Fixtures {
    private Fixtures() {}

    static float[] row(float... p) {
        return p;
    }

    /**
     * Three classes A, B, C; 10 samples. Row i, its truth and its arg-max prediction:
     * <pre>
     * idx truth  probabilities (A, B, C)   predicted  confidence
     *  0   A     0.80 0.10 0.10            A          0.80
     *  1   A     0.60 0.30 0.10            A          0.60
     *  2   A     0.50 0.25 0.25            A          0.50
     *  3   A     0.30 0.60 0.10            B  wrong   0.60
     *  4   B     0.70 0.20 0.10            A  wrong   0.70
     *  5   B     0.10 0.80 0.10            B          0.80
     *  6   B     0.20 0.70 0.10            B          0.70
     *  7   C     0.40 0.30 0.30            A  wrong   0.40
     *  8   C     0.10 0.10 0.80            C          0.80
     *  9   C     0.05 0.05 0.90            C          0.90
     * </pre>
     * Confusion matrix (rows true, columns predicted):
     * <pre>
     *        A  B  C   | support
     *   A    3  1  0   | 4
     *   B    1  2  0   | 3
     *   C    1  0  2   | 3
     *   ----------
     *  pred  5  3  2
     * </pre>
     */
    static Evaluation threeClass() {
        List<String> names = List.of("A", "B", "C");
        int[] truth = {0, 0, 0, 0, 1, 1, 1, 2, 2, 2};
        float[][] p = {
                row(0.80f, 0.10f, 0.10f),
                row(0.60f, 0.30f, 0.10f),
                row(0.50f, 0.25f, 0.25f),
                row(0.30f, 0.60f, 0.10f),
                row(0.70f, 0.20f, 0.10f),
                row(0.10f, 0.80f, 0.10f),
                row(0.20f, 0.70f, 0.10f),
                row(0.40f, 0.30f, 0.30f),
                row(0.10f, 0.10f, 0.80f),
                row(0.05f, 0.05f, 0.90f),
        };
        String[] ids = new String[10];
        for (int i = 0; i < 10; i++) {
            ids[i] = "img" + i + ".jpg";
        }
        return new Evaluation(names, truth, p, ids);
    }

    /** Binary evaluation from positive-class scores: row = [1 - s, s]. */
    static Evaluation binary(int[] truth, float[] scores) {
        float[][] p = new float[scores.length][];
        for (int i = 0; i < scores.length; i++) {
            p[i] = row(1f - scores[i], scores[i]);
        }
        return new Evaluation(List.of("neg", "pos"), truth, p);
    }

    /**
     * {@code copies} copies of a 3-class block of 10 samples with 8 correct:
     * truth A A A A B B B C C C, predictions A A A A B B A C C B (rows are one-hot-ish, confidence 0.8).
     */
    static Evaluation eightyPercent(int copies) {
        int[] t = {0, 0, 0, 0, 1, 1, 1, 2, 2, 2};
        int[] pr = {0, 0, 0, 0, 1, 1, 0, 2, 2, 1};
        int n = t.length * copies;
        int[] truth = new int[n];
        float[][] p = new float[n][];
        for (int i = 0; i < n; i++) {
            truth[i] = t[i % t.length];
            p[i] = new float[] {0.1f, 0.1f, 0.1f};
            p[i][pr[i % t.length]] = 0.8f;
        }
        return new Evaluation(List.of("A", "B", "C"), truth, p);
    }
}

package dev.tl.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A typed read-only view of a {@code tl.eval/1} document (the tree of {@code Evaluation.toJson} or the parsed
 * {@code eval.json}).
 *
 * <p>Why the report reads the JSON document rather than an {@code Evaluation}: the document is what the run
 * directory keeps, so the report shows exactly the numbers (and bootstrap intervals) that {@code eval.json}
 * holds, and it can be rebuilt from a run directory later without the model. Numbers may arrive as any
 * {@link Number} subtype (Jackson picks Integer/Long/Double), so every access goes through {@link Number}.
 */
record EvalDoc(int n, List<String> classes, double accuracy, double[] accuracyCi, double macroF1, double[] macroF1Ci,
               double macroPrecision, double macroRecall, Map<String, Double> topK, List<ClassRow> perClass,
               long[][] confusion, double logLoss, double mcc, Double rocAuc, double ece, List<Bin> bins,
               List<Wrong> wrong, List<String> warnings, int resamples, long seed, Robustness robustness) {

    /** The optional {@code robustness} block: clean accuracy and accuracy under FGSM per epsilon; null when absent. */
    record Robustness(String attack, double cleanAccuracy, List<Point> points) {}

    /** Accuracy under attack at one epsilon (a fraction of the 8-bit range). */
    record Point(double epsilon, double accuracy) {}

    /** One row of {@code per_class}. */
    record ClassRow(String name, double precision, double recall, double f1, long support) {}

    /** One calibration bin; {@code meanConfidence} and {@code accuracy} are NaN when {@code count == 0}. */
    record Bin(double lower, double upper, long count, double meanConfidence, double accuracy) {}

    /** One entry of {@code most_confident_wrong}. */
    record Wrong(String id, String trueClass, String predicted, double confidence) {}

    /** @throws IllegalArgumentException when the document is not {@code tl.eval/1} or lacks a key the report needs */
    static EvalDoc of(Map<String, ?> m) {
        Objects.requireNonNull(m, "eval document");
        if (!"tl.eval/1".equals(m.get("schema"))) {
            throw new IllegalArgumentException("not a tl.eval/1 document (schema " + m.get("schema") + ")");
        }
        List<String> classes = new ArrayList<>();
        for (Object o : list(m, "classes")) classes.add(String.valueOf(o));
        Map<String, Double> topK = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : map(m, "top_k").entrySet()) topK.put(e.getKey(), num(e.getValue()));
        List<ClassRow> pc = new ArrayList<>();
        for (Object o : list(m, "per_class")) {
            Map<String, ?> r = asMap(o, "per_class");
            pc.add(new ClassRow(String.valueOf(r.get("class")), num(r.get("precision")), num(r.get("recall")),
                    num(r.get("f1")), (long) num(r.get("support"))));
        }
        List<?> rows = list(m, "confusion_matrix");
        long[][] cm = new long[rows.size()][];
        for (int i = 0; i < rows.size(); i++) {
            List<?> row = (List<?>) rows.get(i);
            cm[i] = new long[row.size()];
            for (int j = 0; j < row.size(); j++) cm[i][j] = ((Number) row.get(j)).longValue();
        }
        List<Bin> bins = new ArrayList<>();
        for (Object o : list(m, "calibration_bins")) {
            Map<String, ?> b = asMap(o, "calibration_bins");
            bins.add(new Bin(num(b.get("lower")), num(b.get("upper")), (long) num(b.get("count")),
                    b.get("mean_confidence") == null ? Double.NaN : num(b.get("mean_confidence")),
                    b.get("accuracy") == null ? Double.NaN : num(b.get("accuracy"))));
        }
        List<Wrong> wrong = new ArrayList<>();
        for (Object o : list(m, "most_confident_wrong")) {
            Map<String, ?> w = asMap(o, "most_confident_wrong");
            wrong.add(new Wrong(String.valueOf(w.get("id")), String.valueOf(w.get("true")),
                    String.valueOf(w.get("predicted")), num(w.get("confidence"))));
        }
        List<String> warnings = new ArrayList<>();
        for (Object o : list(m, "warnings")) warnings.add(String.valueOf(o));
        Map<String, ?> macro = map(m, "macro");
        Map<String, ?> boot = map(m, "bootstrap");
        return new EvalDoc(((Number) m.get("n")).intValue(), List.copyOf(classes), num(m.get("accuracy")),
                pair(m, "accuracy_ci95"), num(macro.get("f1")), pair(m, "macro_f1_ci95"), num(macro.get("precision")),
                num(macro.get("recall")), topK, List.copyOf(pc), cm, num(m.get("log_loss")), num(m.get("mcc")),
                m.get("roc_auc") == null ? null : num(m.get("roc_auc")), num(m.get("ece")), List.copyOf(bins),
                List.copyOf(wrong), List.copyOf(warnings), ((Number) boot.get("resamples")).intValue(),
                ((Number) boot.get("seed")).longValue(), robustness(m.get("robustness")));
    }

    private static Robustness robustness(Object o) {
        if (o == null) return null;
        Map<String, ?> r = asMap(o, "robustness");
        List<Point> points = new ArrayList<>();
        for (Object p : list(r, "points")) {
            Map<String, ?> q = asMap(p, "robustness.points");
            points.add(new Point(num(q.get("epsilon")), num(q.get("accuracy"))));
        }
        return new Robustness(String.valueOf(r.get("attack")), num(r.get("clean_accuracy")), List.copyOf(points));
    }

    private static double num(Object o) {
        if (!(o instanceof Number x)) throw new IllegalArgumentException("expected a number, got " + o);
        return x.doubleValue();
    }

    private static double[] pair(Map<String, ?> m, String key) {
        List<?> l = list(m, key);
        if (l.size() != 2) throw new IllegalArgumentException(key + ": expected [low, high], got " + l);
        return new double[] {num(l.get(0)), num(l.get(1))};
    }

    private static List<?> list(Map<String, ?> m, String key) {
        Object o = m.get(key);
        if (!(o instanceof List<?> l)) throw new IllegalArgumentException("eval document: '" + key + "' is missing or not a list");
        return l;
    }

    private static Map<String, ?> map(Map<String, ?> m, String key) {
        return asMap(m.get(key), key);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, ?> asMap(Object o, String key) {
        if (!(o instanceof Map<?, ?>)) throw new IllegalArgumentException("eval document: '" + key + "' is missing or not an object");
        return (Map<String, ?>) o;
    }
}

package dev.tl.metrics;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Quality bars from {@code --fail-under}, so a CI job can fail when a retrained model gets worse.
 *
 * <p>Syntax: a comma-separated list of {@code metric=value}; a bare number means accuracy. Examples:
 * {@code 0.9}, {@code accuracy=0.9}, {@code macro_f1=0.85,top5=0.99}. Metric names are case-insensitive;
 * the valid ones are listed in {@link #METRICS} plus {@code topK} for any k &gt;= 1 (capped at the class
 * count, where it is trivially 1.0). Only "higher is better" metrics are accepted: a bar on log loss or ECE
 * would be a ceiling, not a floor.
 *
 * <p>Values are fractions; {@code 90} is rejected with a hint rather than silently read as an impossible
 * bar. A value equal to the bar passes; the comparison allows 1e-12 so that, e.g., 7/10 meets 0.7.
 * A bar on a metric that is undefined for this evaluation (roc_auc with more than two classes, or with one
 * class absent) is reported as not met, because it could not be verified.
 */
public final class FailUnder {

    /** Named metrics accepted besides {@code topK}. */
    public static final List<String> METRICS = List.of("accuracy", "macro_f1", "macro_precision", "macro_recall",
            "weighted_f1", "weighted_precision", "weighted_recall", "mcc", "roc_auc");

    private static final Pattern TOP_K = Pattern.compile("top(\\d{1,6})");
    private static final double SLACK = 1e-12;

    /** One bar: {@code metric} must be at least {@code min}. */
    public record Bar(String metric, double min) {}

    private final List<Bar> bars;

    private FailUnder(List<Bar> bars) {
        this.bars = List.copyOf(bars);
    }

    /**
     * Parses a spec such as {@code "accuracy=0.9,macro_f1=0.85"}.
     *
     * @throws IllegalArgumentException for an empty spec, an unknown metric (the message lists the valid
     *                                  names), a repeated metric, or a value that is not a number in range
     */
    public static FailUnder parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("--fail-under is empty; expected e.g. 0.9 or accuracy=0.9,macro_f1=0.85");
        }
        List<Bar> bars = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (String part : spec.split(",", -1)) {
            String item = part.trim();
            if (item.isEmpty()) {
                throw new IllegalArgumentException("--fail-under '" + spec + "' has an empty item");
            }
            String name;
            String value;
            int eq = item.indexOf('=');
            if (eq < 0) {
                name = "accuracy";
                value = item;
            } else {
                name = item.substring(0, eq).trim().toLowerCase(Locale.ROOT);
                value = item.substring(eq + 1).trim();
            }
            checkName(name);
            if (!seen.add(name)) {
                throw new IllegalArgumentException("--fail-under names " + name + " twice");
            }
            bars.add(new Bar(name, parseValue(name, value)));
        }
        return new FailUnder(bars);
    }

    private static void checkName(String name) {
        if (METRICS.contains(name)) {
            return;
        }
        Matcher m = TOP_K.matcher(name);
        if (m.matches() && Integer.parseInt(m.group(1)) >= 1) {
            return;
        }
        throw new IllegalArgumentException("unknown --fail-under metric '" + name + "'; valid: "
                + String.join(", ", METRICS) + ", topK (e.g. top5)");
    }

    private static double parseValue(String name, String value) {
        double v;
        try {
            v = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--fail-under " + name + "='" + value + "' is not a number");
        }
        double lowest = name.equals("mcc") ? -1 : 0;
        if (!(v >= lowest && v <= 1)) {
            String hint = v > 1 && v <= 100 ? String.format(Locale.ROOT, " (bars are fractions: did you mean %s?)",
                    trim(v / 100)) : "";
            throw new IllegalArgumentException("--fail-under " + name + "=" + value + " is outside ["
                    + trim(lowest) + ", 1]" + hint);
        }
        return v;
    }

    public List<Bar> bars() {
        return bars;
    }

    /**
     * The bars this evaluation does not meet, one message each, e.g.
     * {@code "macro_f1 = 0.8123 is below the bar 0.85"}; empty when all are met.
     */
    public List<String> check(Evaluation eval) {
        List<String> failures = new ArrayList<>();
        for (Bar bar : bars) {
            OptionalDouble value = value(eval, bar.metric());
            if (value.isEmpty()) {
                failures.add(String.format(Locale.ROOT, "%s is undefined for this evaluation (%d classes; it "
                        + "needs exactly 2, both present), so the bar %s cannot be met",
                        bar.metric(), eval.numClasses(), trim(bar.min())));
            } else if (value.getAsDouble() + SLACK < bar.min()) {
                failures.add(String.format(Locale.ROOT, "%s = %.4f is below the bar %s",
                        bar.metric(), value.getAsDouble(), trim(bar.min())));
            }
        }
        return failures;
    }

    static OptionalDouble value(Evaluation eval, String metric) {
        Matcher m = TOP_K.matcher(metric);
        if (m.matches()) {
            return OptionalDouble.of(eval.topKAccuracy(Integer.parseInt(m.group(1))));
        }
        return switch (metric) {
            case "accuracy" -> OptionalDouble.of(eval.accuracy());
            case "macro_f1" -> OptionalDouble.of(eval.macro().f1());
            case "macro_precision" -> OptionalDouble.of(eval.macro().precision());
            case "macro_recall" -> OptionalDouble.of(eval.macro().recall());
            case "weighted_f1" -> OptionalDouble.of(eval.weighted().f1());
            case "weighted_precision" -> OptionalDouble.of(eval.weighted().precision());
            case "weighted_recall" -> OptionalDouble.of(eval.weighted().recall());
            case "mcc" -> OptionalDouble.of(eval.mcc());
            case "roc_auc" -> eval.rocAuc();
            default -> throw new IllegalArgumentException("unknown metric " + metric);
        };
    }

    /** Shortest decimal form: 0.9 not 0.9000. */
    private static String trim(double v) {
        String s = Double.toString(v);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }
}

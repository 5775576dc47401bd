package dev.tl.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tl.run.AtomicFiles;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The result of {@code tl compare}: one row per strategy and a recommendation with its reason.
 *
 * <p>The recommendation does not simply take the highest accuracy: on small validation sets (153 images in
 * hymenoptera, one image = 0.65 points) differences inside the bootstrap 95% intervals are noise, so among
 * the strategies whose interval overlaps the best one's it prefers the fastest. "Fastest" compares each
 * strategy's time as if it had run alone: a strategy that found its frozen features already cached by an
 * earlier strategy of the same comparison (head-replace after feature-extract) is charged the time that
 * earlier strategy spent computing them, so that reuse, which a user running only that strategy would not
 * get, does not win the recommendation.
 */
public final class Leaderboard {
    public static final String CSV = "leaderboard.csv";
    public static final String JSON_FILE = "leaderboard.json";
    public static final String PNG = "leaderboard.png";
    public static final String CSV_HEADER = "strategy,val_accuracy,ci95_low,ci95_high,macro_f1,wall_seconds,reused_seconds,alone_seconds,images_per_second,"
            + "peak_heap_bytes,peak_offheap_bytes,peak_resident_bytes,run";

    /**
     * One strategy's outcome.
     *
     * @param wallSeconds     measured wall time of this strategy's run within the comparison
     * @param reusedSeconds   frozen-pass time this run did not spend because an earlier strategy of the same
     *                        comparison had cached the same features (that strategy's measured time), else 0
     * @param imagesPerSecond training images processed per second of training time (train set x epochs /
     *                        trainer seconds, the frozen-feature pass included)
     */
    public record Row(String strategy, double accuracy, double ciLow, double ciHigh, double macroF1, double wallSeconds,
                      double reusedSeconds, double imagesPerSecond, long peakHeapBytes, long peakOffHeapBytes,
                      long peakResidentBytes, String run) {
        /** Wall time as if this strategy had run alone, from a cold feature cache. */
        public double aloneSeconds() {
            return wallSeconds + reusedSeconds;
        }
    }

    /** The chosen strategy and why, in one sentence. */
    public record Recommendation(String strategy, String reason) {}

    private final List<Row> rows;
    private final Recommendation recommendation;

    public Leaderboard(List<Row> rows) {
        if (rows.isEmpty()) throw new IllegalArgumentException("no rows");
        this.rows = rows.stream().sorted(Comparator.comparingDouble(Row::accuracy).reversed()
                .thenComparingDouble(Row::aloneSeconds)).toList();
        this.recommendation = recommend(this.rows);
    }

    public List<Row> rows() {
        return rows;
    }

    public Recommendation recommendation() {
        return recommendation;
    }

    static Recommendation recommend(List<Row> rows) {
        Row best = rows.stream().max(Comparator.comparingDouble(Row::accuracy)).orElseThrow();
        List<Row> tied = rows.stream().filter(r -> r.ciHigh() >= best.ciLow() && best.ciHigh() >= r.ciLow()).toList();
        Row pick = tied.stream().min(Comparator.comparingDouble(Row::aloneSeconds)).orElseThrow();
        String reason;
        if (tied.size() == 1) {
            reason = String.format(Locale.ROOT, "%s has the best validation accuracy (%.3f, 95%% interval %.3f..%.3f) and no other "
                    + "strategy's interval overlaps it", best.strategy(), best.accuracy(), best.ciLow(), best.ciHigh());
        } else if (pick == best) {
            reason = String.format(Locale.ROOT, "%s has the best validation accuracy (%.3f) and is also the fastest (%.1f s) of the %d "
                    + "strategies whose 95%% intervals overlap it (run alone)", best.strategy(), best.accuracy(), best.aloneSeconds(), tied.size());
        } else {
            reason = String.format(Locale.ROOT, "%s (%.3f) is within the 95%% interval of the most accurate, %s (%.3f, %.3f..%.3f), "
                            + "so the difference may be noise; it is the fastest of those %d (%.1f s against %.1f s, each run alone)",
                    pick.strategy(), pick.accuracy(), best.strategy(), best.accuracy(), best.ciLow(), best.ciHigh(),
                    tied.size(), pick.aloneSeconds(), best.aloneSeconds());
        }
        return new Recommendation(pick.strategy(), reason);
    }

    /** Fixed-width table for the terminal, then the recommendation. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-16s %-22s %8s %9s %9s %9s %11s%n", "strategy", "accuracy (95% CI)", "macro-F1",
                "wall s", "alone s", "images/s", "peak MiB"));
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "%-16s %.3f (%.3f..%.3f)    %8.3f %9.1f %9.1f %9.1f %11.0f%n", r.strategy(), r.accuracy(),
                    r.ciLow(), r.ciHigh(), r.macroF1(), r.wallSeconds(), r.aloneSeconds(), r.imagesPerSecond(),
                    (r.peakHeapBytes() + r.peakOffHeapBytes()) / 1048576.0));
        }
        if (rows.stream().anyMatch(r -> r.reusedSeconds() > 0)) {
            sb.append("alone s: wall time plus the frozen-feature pass a strategy reused from an earlier one in this comparison")
                    .append(System.lineSeparator());
        }
        sb.append("recommendation: ").append(recommendation.strategy()).append(": ").append(recommendation.reason()).append(System.lineSeparator());
        return sb.toString();
    }

    /** Writes {@value #CSV}, {@value #JSON_FILE} and {@value #PNG} into {@code dir}, each atomically. */
    public void write(Path dir, Map<String, Object> context) throws IOException {
        StringBuilder csv = new StringBuilder(CSV_HEADER).append('\n');
        for (Row r : rows) {
            csv.append(String.join(",", r.strategy(), num(r.accuracy()), num(r.ciLow()), num(r.ciHigh()), num(r.macroF1()),
                    num(r.wallSeconds()), num(r.reusedSeconds()), num(r.aloneSeconds()), num(r.imagesPerSecond()), Long.toString(r.peakHeapBytes()),
                    Long.toString(r.peakOffHeapBytes()), Long.toString(r.peakResidentBytes()), quote(r.run()))).append('\n');
        }
        AtomicFiles.writeString(dir.resolve(CSV), csv.toString());

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("schema", "tl.compare/1");
        json.putAll(context);
        json.put("rows", rows);
        json.put("recommendation", recommendation);
        AtomicFiles.writeString(dir.resolve(JSON_FILE), new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json));

        DefaultCategoryDataset ds = new DefaultCategoryDataset();
        for (Row r : rows) {
            ds.addValue(r.accuracy(), "val accuracy", r.strategy());
            ds.addValue(r.ciLow(), "95% CI low", r.strategy());
            ds.addValue(r.ciHigh(), "95% CI high", r.strategy());
        }
        JFreeChart chart = ChartFactory.createBarChart("tl compare: validation accuracy (recommended: " + recommendation.strategy() + ")",
                "strategy", "accuracy", ds, PlotOrientation.VERTICAL, true, false, false);
        AtomicFiles.write(dir.resolve(PNG), tmp -> ChartUtils.saveChartAsPNG(tmp.toFile(), chart, 900, 500));
    }

    private static String num(double d) {
        return String.format(Locale.ROOT, "%.6g", d);
    }

    private static String quote(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}

package dev.tl.report;

import dev.tl.metrics.Evaluation;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the self-contained {@code report.html}: inline CSS, pictures as base64 {@code data:} URIs, no
 * script and no external reference, so the file can be mailed, attached to a CI job or opened offline and
 * shows the same thing everywhere.
 *
 * <p>Every string that comes from the user or the data (class names, file ids, config values, warnings)
 * goes through {@link #escape}: a class folder named {@code <b>&} must show up as text, not as markup.
 */
final class HtmlReport {
    private HtmlReport() {}

    /** A picture for the page: a heading, the PNG bytes, and a sentence telling the reader what to look for. */
    record Picture(String title, String fileName, byte[] png, String caption) {}

    /**
     * @param title     page title (escaped here)
     * @param facts     config summary, label to value, in display order (escaped here)
     * @param configYaml the full resolved config, shown folded; may be null
     * @param notes     extra warnings from the report itself (e.g. why a picture is missing)
     */
    static String build(String title, EvalDoc doc, Map<String, String> facts, String configYaml,
                        List<Picture> pictures, List<String> notes) {
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(escape(title)).append("</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        h.append("<h1>").append(escape(title)).append("</h1>\n");

        List<String> warnings = new ArrayList<>(doc.warnings());
        Evaluation.smallSampleWarning(doc.n()).filter(w -> !warnings.contains(w)).ifPresent(w -> warnings.add(0, w));
        warnings.addAll(notes);
        if (!warnings.isEmpty()) {
            h.append("<div class=\"warn\"><h2>Warnings</h2>\n<ul>\n");
            for (String w : warnings) h.append("<li>").append(escape(w)).append("</li>\n");
            h.append("</ul></div>\n");
        }

        h.append("<h2>Configuration</h2>\n<table class=\"kv\">\n");
        for (Map.Entry<String, String> e : facts.entrySet()) {
            h.append("<tr><th>").append(escape(e.getKey())).append("</th><td>").append(escape(e.getValue())).append("</td></tr>\n");
        }
        h.append("</table>\n");
        if (configYaml != null) {
            h.append("<details><summary>full config.yaml</summary><pre>").append(escape(configYaml)).append("</pre></details>\n");
        }

        h.append("<h2>Metrics</h2>\n<p class=\"note\">").append(doc.n()).append(" validation images. 95% intervals: bootstrap, ")
                .append(doc.resamples()).append(" resamples, seed ").append(doc.seed())
                .append("; they show the sampling noise of this evaluation set only.</p>\n");
        h.append("<table>\n<tr><th>metric</th><th>value</th><th>95% interval</th></tr>\n");
        row(h, "accuracy", doc.accuracy(), doc.accuracyCi());
        row(h, "macro F1", doc.macroF1(), doc.macroF1Ci());
        row(h, "macro precision", doc.macroPrecision(), null);
        row(h, "macro recall", doc.macroRecall(), null);
        for (Map.Entry<String, Double> e : doc.topK().entrySet()) {
            if (!e.getKey().equals("1")) row(h, "top-" + e.getKey() + " accuracy", e.getValue(), null);
        }
        row(h, "log loss", doc.logLoss(), null);
        row(h, "MCC", doc.mcc(), null);
        if (doc.rocAuc() != null) row(h, "ROC AUC", doc.rocAuc(), null);
        row(h, "ECE (10 bins)", doc.ece(), null);
        h.append("</table>\n");

        h.append("<h2>Per class</h2>\n<table>\n<tr><th>class</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>\n");
        for (EvalDoc.ClassRow c : doc.perClass()) {
            h.append("<tr><td class=\"name\">").append(escape(c.name())).append("</td><td>").append(fmt(c.precision()))
                    .append("</td><td>").append(fmt(c.recall())).append("</td><td>").append(fmt(c.f1()))
                    .append("</td><td>").append(c.support()).append("</td></tr>\n");
        }
        h.append("</table>\n");

        if (doc.robustness() != null) {
            EvalDoc.Robustness r = doc.robustness();
            h.append("<h2>Robustness (").append(escape(r.attack().toUpperCase(Locale.ROOT))).append(")</h2>\n<p class=\"note\">")
                    .append("Accuracy after moving each pixel of the model's input by epsilon against the gradient of the true ")
                    .append("class's log-probability (one step, clipped to 0..255); epsilon is a fraction of the 8-bit range.</p>\n");
            h.append("<table>\n<tr><th>epsilon</th><th>x 255 (levels)</th><th>accuracy</th></tr>\n");
            h.append("<tr><td>clean</td><td>0</td><td>").append(fmt(r.cleanAccuracy())).append("</td></tr>\n");
            for (EvalDoc.Point p : r.points()) {
                h.append("<tr><td>").append(String.format(Locale.ROOT, "%.5f", p.epsilon())).append("</td><td>")
                        .append(String.format(Locale.ROOT, "%.2f", p.epsilon() * 255)).append("</td><td>")
                        .append(fmt(p.accuracy())).append("</td></tr>\n");
            }
            h.append("</table>\n");
        }

        for (Picture p : pictures) {
            h.append("<h2>").append(escape(p.title())).append("</h2>\n");
            if (p.caption() != null) h.append("<p class=\"note\">").append(escape(p.caption())).append("</p>\n");
            h.append("<img alt=\"").append(escape(p.title())).append("\" src=\"").append(dataUri(p.png())).append("\">\n");
        }

        if (!doc.wrong().isEmpty()) {
            h.append("<h2>Most confidently wrong (list)</h2>\n<table>\n<tr><th>image</th><th>true</th><th>predicted</th><th>confidence</th></tr>\n");
            for (EvalDoc.Wrong w : doc.wrong()) {
                h.append("<tr><td class=\"name\">").append(escape(w.id())).append("</td><td class=\"name\">").append(escape(w.trueClass()))
                        .append("</td><td class=\"name\">").append(escape(w.predicted())).append("</td><td>")
                        .append(fmt(w.confidence())).append("</td></tr>\n");
            }
            h.append("</table>\n");
        } else {
            h.append("<h2>Most confidently wrong</h2>\n<p>No wrong predictions on this evaluation set.</p>\n");
        }
        h.append("<p class=\"note\">Written by tl. Self-contained: no external resources.</p>\n</body>\n</html>\n");
        return h.toString();
    }

    private static void row(StringBuilder h, String name, double v, double[] ci) {
        h.append("<tr><td>").append(name).append("</td><td>").append(fmt(v)).append("</td><td>")
                .append(ci == null ? "" : "[" + fmt(ci[0]) + ", " + fmt(ci[1]) + "]").append("</td></tr>\n");
    }

    static String fmt(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
    }

    static String dataUri(byte[] png) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
    }

    /** HTML-escapes text for element content and double- or single-quoted attribute values. */
    static String escape(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static final String CSS = """
            body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 960px; color: #222; padding: 0 1em; }
            h1 { font-size: 1.5em; border-bottom: 2px solid #ddd; padding-bottom: .3em; word-break: break-all; }
            h2 { font-size: 1.2em; margin-top: 1.6em; }
            table { border-collapse: collapse; margin: .5em 0; }
            th, td { border: 1px solid #ccc; padding: .3em .7em; text-align: right; }
            th { background: #f3f3f3; }
            td.name, table.kv td, table.kv th { text-align: left; }
            .warn { background: #fff4e5; border: 1px solid #f0b365; padding: .2em 1em; border-radius: 4px; }
            .warn h2 { margin-top: .5em; }
            .note { color: #555; font-size: .9em; }
            img { max-width: 100%; border: 1px solid #ddd; }
            pre { background: #f7f7f7; padding: .8em; overflow-x: auto; }
            """;
}

package dev.tl.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tl.run.AtomicFiles;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes the evaluation pictures and the self-contained {@code report.html} into a directory.
 *
 * <p>Why: a number and its interval say how good a model is; the pictures say why. Learning curves show
 * over- or under-fitting and what each phase of a progressive run did, the confusion matrix which classes
 * are mixed up, the reliability diagram whether the probabilities can be trusted, and the most confidently
 * wrong images whether the "errors" are label noise. One HTML file with everything embedded is the easiest
 * thing to keep next to a run or attach to a CI job.
 *
 * <p>Files written (each atomically; a picture that does not apply is removed so a reused directory never
 * shows a stale one): {@value #LEARNING_CURVES} (only with a run directory holding {@code metrics.csv}),
 * {@value #CONFUSION}, {@value #RELIABILITY}, {@value #MISTAKES} (only when there are wrong predictions),
 * {@value #HTML}.
 */
public final class RunReport {
    public static final String LEARNING_CURVES = "learning_curves.png";
    public static final String CONFUSION = "confusion_matrix.png";
    public static final String RELIABILITY = "reliability.png";
    public static final String MISTAKES = "most_confident_wrong.png";
    public static final String ROBUSTNESS = "robustness.png";
    public static final String HTML = "report.html";

    private RunReport() {}

    /**
     * What to report on.
     *
     * @param evalJson   a {@code tl.eval/1} document ({@code Evaluation.toJson} or parsed {@code eval.json})
     * @param dataDir    directory the document's image ids are relative to; null if unknown (thumbnails are
     *                   then placeholders)
     * @param runDir     a run directory for {@code config.yaml} and {@code metrics.csv}; null for a bare bundle
     * @param modelFacts extra configuration lines shown when there is no {@code config.yaml} (e.g. backbone
     *                   and strategy from the bundle), in display order; may be empty
     */
    public record Request(Map<String, ?> evalJson, Path dataDir, Path runDir, Map<String, String> modelFacts) {
        public Request {
            Objects.requireNonNull(evalJson, "evalJson");
            modelFacts = modelFacts == null ? Map.of() : new LinkedHashMap<>(modelFacts);
        }
    }

    /** The files written, and the HTML among them. */
    public record Written(List<Path> files, Path html) {}

    /**
     * Writes the pictures and the HTML into {@code outDir} (created if needed).
     *
     * @throws IOException when a file cannot be written
     * @throws IllegalArgumentException when the eval document is not {@code tl.eval/1}
     */
    public static Written write(Path outDir, Request req) throws IOException {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true"); // a CLI on a server has no display; AWT must not look for one
        }
        EvalDoc doc = EvalDoc.of(req.evalJson());
        Files.createDirectories(outDir);
        List<Path> files = new ArrayList<>();
        List<HtmlReport.Picture> pictures = new ArrayList<>();
        List<String> notes = new ArrayList<>();

        Path csv = req.runDir() == null ? null : req.runDir().resolve("metrics.csv");
        List<MetricsCsv.Epoch> epochs = csv != null && Files.isRegularFile(csv) ? MetricsCsv.read(csv) : List.of();
        if (!epochs.isEmpty()) {
            pictures.add(save(outDir, files, new HtmlReport.Picture("Learning curves", LEARNING_CURVES,
                    Charts.png(Charts.learningCurves(epochs)),
                    "Train and validation loss and accuracy per epoch; dashed lines mark where a new phase starts. "
                            + "Validation loss rising while train loss falls means over-fitting.")));
        } else {
            Files.deleteIfExists(outDir.resolve(LEARNING_CURVES));
        }
        pictures.add(save(outDir, files, new HtmlReport.Picture("Confusion matrix", CONFUSION,
                Charts.png(Charts.confusionHeatmap(doc.classes(), doc.confusion())),
                "Rows are true classes, columns predicted classes; each cell holds a count, the colour is the "
                        + "fraction of that true class.")));
        pictures.add(save(outDir, files, new HtmlReport.Picture("Reliability diagram", RELIABILITY,
                Charts.png(Charts.reliability(doc.bins(), doc.ece())),
                "Bars: accuracy of the predictions in each confidence bin (n = images in the bin); bars below the "
                        + "diagonal mean over-confidence. Bins with few images are noisy.")));
        if (!doc.wrong().isEmpty()) {
            BufferedImage grid = MistakeGrid.render(doc.wrong(), req.dataDir());
            pictures.add(save(outDir, files, new HtmlReport.Picture("Most confidently wrong images", MISTAKES, png(grid),
                    "The wrong predictions made with the highest confidence: often mislabeled images or one "
                            + "systematic confusion.")));
        } else {
            Files.deleteIfExists(outDir.resolve(MISTAKES));
        }

        if (doc.robustness() != null) {
            pictures.add(save(outDir, files, new HtmlReport.Picture("Accuracy under attack", ROBUSTNESS,
                    Charts.png(Charts.robustness(doc.robustness())),
                    "Accuracy when every validation image is moved by epsilon (8-bit levels per pixel, L-infinity) "
                            + "against the gradient of its true class (FGSM); the dashed line is clean accuracy.")));
        } else {
            Files.deleteIfExists(outDir.resolve(ROBUSTNESS));
        }

        String configYaml = null;
        Map<String, String> facts = new LinkedHashMap<>();
        Path cfg = req.runDir() == null ? null : req.runDir().resolve("config.yaml");
        if (cfg != null && Files.isRegularFile(cfg)) {
            configYaml = Files.readString(cfg);
            facts.putAll(configFacts(configYaml, epochs.size()));
        }
        req.modelFacts().forEach(facts::putIfAbsent);
        if (facts.isEmpty()) notes.add("no config.yaml: the configuration is unknown (pass a run directory as the model)");
        String title = "tl report: " + (req.runDir() != null && req.runDir().getFileName() != null
                ? req.runDir().getFileName().toString() : outDir.toAbsolutePath().normalize().getFileName());
        String html = HtmlReport.build(title, doc, facts, configYaml, pictures, notes);
        Path htmlFile = outDir.resolve(HTML);
        AtomicFiles.writeString(htmlFile, html);
        files.add(htmlFile);
        return new Written(List.copyOf(files), htmlFile);
    }

    /**
     * {@link #write} for the end of {@code tl train}: the model and eval.json are already safe, so a report
     * that cannot be drawn must not turn a finished run into a failed one. Prints one line on {@code err}:
     * where the report is, or why there is none.
     */
    public static void writeOrWarn(Path outDir, Request req, PrintWriter err) {
        try {
            err.println("report: " + write(outDir, req).html());
        } catch (IOException | RuntimeException e) {
            err.println("warning: report not written: " + e);
        }
        err.flush();
    }

    /**
     * The settings a reader wants first, picked from the resolved config; {@code epochsRun} (rows of
     * metrics.csv) is shown too because a progressive run's epochs live in its phases.
     */
    static Map<String, String> configFacts(String yaml, int epochsRun) throws IOException {
        Map<String, String> f = new LinkedHashMap<>();
        Object tree = new ObjectMapper(new YAMLFactory()).readValue(yaml, Object.class);
        if (!(tree instanceof Map<?, ?> root)) return f;
        put(f, "backbone", root, "backbone", "name");
        put(f, "strategy", root, "strategy", "name");
        put(f, "unfreeze from", root, "strategy", "unfreeze_from");
        put(f, "batchnorm", root, "strategy", "batchnorm");
        Object phases = get(root, "strategy", "phases");
        if (phases instanceof List<?> list && !list.isEmpty()) {
            List<String> ps = new ArrayList<>();
            for (Object p : list) {
                if (p instanceof Map<?, ?> m) ps.add(m.get("name") + " (" + m.get("epochs") + " epochs, lr " + m.get("lr") + ")");
            }
            f.put("phases", String.join(", ", ps));
        } else {
            put(f, "epochs", root, "training", "epochs");
        }
        if (epochsRun > 0) f.put("epochs run", Integer.toString(epochsRun));
        put(f, "learning rate", root, "training", "lr");
        put(f, "batch size", root, "training", "batch_size");
        put(f, "optimizer", root, "training", "optimizer");
        put(f, "epoch selection", root, "training", "select");
        put(f, "seed", root, "training", "seed");
        put(f, "data", root, "data", "dir");
        put(f, "validation fraction", root, "data", "val_fraction");
        return f;
    }

    private static void put(Map<String, String> f, String label, Map<?, ?> root, String... path) {
        Object v = get(root, path);
        if (v != null && !(v instanceof Map) && !(v instanceof List)) f.put(label, String.valueOf(v));
    }

    private static Object get(Map<?, ?> root, String... path) {
        Object cur = root;
        for (String k : path) {
            if (!(cur instanceof Map<?, ?> m)) return null;
            cur = m.get(k);
        }
        return cur;
    }

    private static HtmlReport.Picture save(Path dir, List<Path> files, HtmlReport.Picture p) throws IOException {
        Path f = dir.resolve(p.fileName());
        AtomicFiles.write(f, tmp -> Files.write(tmp, p.png()));
        files.add(f);
        return p;
    }

    static byte[] png(BufferedImage img) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(img, "png", out)) throw new IOException("no PNG writer");
        return out.toByteArray();
    }
}

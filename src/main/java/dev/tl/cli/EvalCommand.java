package dev.tl.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tl.data.DataException;
import dev.tl.data.DatasetSplit;
import dev.tl.data.ImageFolder;
import dev.tl.data.Sample;
import dev.tl.explain.Fgsm;
import dev.tl.metrics.Bootstrap;
import dev.tl.metrics.Evaluation;
import dev.tl.metrics.FailUnder;
import dev.tl.model.FastPath;
import dev.tl.predict.Predictor;
import dev.tl.report.RunReport;
import dev.tl.run.ModelBundle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluate a trained model on a labelled image folder: accuracy with a 95%% interval, per-class",
                "precision/recall/F1, confusion matrix, top-k, log loss, calibration."},
        footer = {"", "DIR may hold class subfolders directly, or val/ (used) and train/ (ignored).", "", ExitCode.HELP_LIST})
public final class EvalCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "RUN_OR_BUNDLE", description = "A run directory or a model.tl.zip.")
    Path model;

    @Option(names = {"-d", "--data"}, required = true, paramLabel = "DIR", description = "Labelled images: DIR/<class>/*, or DIR/val/<class>/*.")
    Path data;

    @Option(names = "--json", description = "Print the tl.eval/1 JSON document (docs/eval-json-schema.md) on stdout.")
    boolean json;

    @Option(names = "--fail-under", paramLabel = "BARS", description = "Exit 4 if a metric is below its bar: 0.9 (accuracy), accuracy=0.9, macro_f1=0.85, top5=0.99; comma-separated.")
    String failUnder;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "16", description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--seed", defaultValue = "42", description = "Bootstrap seed for the intervals (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--report", paramLabel = "DIR", description = "Also write report.html and PNG charts into DIR (learning curves only when --model is a run directory).")
    Path report;

    @Option(names = "--robustness", paramLabel = "EPS[,EPS...]", description = {"Also report accuracy under an untargeted fast-gradient-sign attack (FGSM) at each epsilon,",
            "a fraction of the 8-bit range: 1/255,2/255,0.01. The attack moves each pixel of the model's input crop by",
            "epsilon x 255 levels against the gradient of log p(true class); epsilon 0 is clean accuracy."})
    String robustness;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Override
    public Integer call() throws Exception {
        FastPath.enable();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        FailUnder bars;
        try {
            bars = failUnder == null ? null : FailUnder.parse(failUnder);
        } catch (IllegalArgumentException e) {
            throw TlException.usage("--fail-under: " + e.getMessage());
        }
        if (batchSize < 1) throw TlException.usage("--batch-size: must be at least 1, got " + batchSize);
        double[] epsilons;
        try {
            epsilons = robustness == null ? null : Fgsm.parseEpsilons(robustness);
        } catch (IllegalArgumentException e) {
            throw TlException.usage("--robustness: " + e.getMessage());
        }
        ModelBundle.Loaded bundle = loadBundle(model);
        List<Sample> samples = labelledSamples(data, bundle.info().classes(), err);
        List<Path> paths = samples.stream().map(Sample::path).toList();
        int[] truth = samples.stream().mapToInt(Sample::label).toArray();
        String[] ids = samples.stream().map(s -> data.relativize(s.path()).toString()).toArray(String[]::new);
        Evaluation ev = new Evaluation(bundle.info().classes(), truth, new Predictor(bundle, batchSize).probabilities(paths), ids);
        Bootstrap.Result ci = new Bootstrap(seed).run(ev);
        Map<String, Object> doc = new LinkedHashMap<>(ev.toJson(ci)); // robustness is appended as the last key
        if (epsilons != null) {
            long t0 = System.nanoTime();
            int[][] pred = new Fgsm(bundle.graph(), bundle.info().preprocessing().toPreprocessing()).predictions(paths, truth, epsilons, batchSize);
            doc.put("robustness", Fgsm.json(epsilons, pred, truth, ev.accuracy()));
            err.printf(java.util.Locale.ROOT, "robustness: FGSM at %d epsilon(s) on %d images in %.1f s%n", epsilons.length, paths.size(), (System.nanoTime() - t0) / 1e9);
        }
        if (report != null) {
            Path runDir = Files.isDirectory(model) ? model : null;
            Map<String, String> facts = new LinkedHashMap<>();
            facts.put("model", model.toString());
            facts.put("backbone", bundle.info().backbone());
            facts.put("strategy", bundle.info().strategy());
            facts.put("evaluated on", data.toString());
            RunReport.Written w = RunReport.write(report, new RunReport.Request(doc, data, runDir, facts));
            err.println("report: " + w.html());
        }
        if (json) {
            out.println(JSON.writeValueAsString(doc));
        } else {
            out.println(ev.summary(ci));
            if (epsilons != null) out.print(Fgsm.summary(doc.get("robustness")));
        }
        out.flush();
        if (bars != null) {
            List<String> failures = bars.check(ev);
            if (!failures.isEmpty()) {
                for (String f : failures) err.println("tl: " + f);
                err.flush();
                return ExitCode.BELOW_BAR;
            }
        }
        return ExitCode.OK;
    }

    static ModelBundle.Loaded loadBundle(Path model) {
        try {
            return ModelBundle.load(model);
        } catch (ModelBundle.BundleException e) {
            throw TlException.usage(e.getMessage());
        }
    }

    /**
     * Samples of {@code dir} labelled by the model's own class order. Class folders the model does not
     * know are an error (their images cannot be scored); classes without images are fine.
     */
    static List<Sample> labelledSamples(Path dir, List<String> classes, PrintWriter err) {
        if (!Files.isDirectory(dir)) throw new DataException(dir + ": no such directory; pass a folder of class subfolders");
        Path root = Files.isDirectory(dir.resolve("val")) ? dir.resolve("val") : dir;
        DatasetSplit split = ImageFolder.scan(root, 0.0, 0);
        List<String> unknown = new ArrayList<>(split.classes());
        unknown.removeAll(classes);
        if (!unknown.isEmpty()) {
            throw new DataException(root + ": class folder(s) " + unknown + " are not classes of this model " + classes + "; remove those folders or use a model trained on them");
        }
        if (!split.skipped().isEmpty()) {
            err.printf("skipped %d file(s) that are not readable JPEG/PNG images:%n", split.skipped().size());
            split.skipped().forEach(s -> err.println("  " + s));
        }
        List<Sample> out = new ArrayList<>();
        for (Sample s : split.train()) out.add(new Sample(s.path(), classes.indexOf(split.classes().get(s.label()))));
        if (out.isEmpty()) throw new DataException(root + ": no images to evaluate");
        return out;
    }
}

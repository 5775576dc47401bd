package dev.tl.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tl.data.DataException;
import dev.tl.data.ImageDecoder;
import dev.tl.data.ImageFormat;
import dev.tl.data.ImageTransform;
import dev.tl.explain.Attack;
import dev.tl.explain.Classifier;
import dev.tl.explain.Fgsm;
import dev.tl.explain.PixelSpace;
import dev.tl.model.FastPath;
import dev.tl.report.AttackPanel;
import dev.tl.report.Png;
import dev.tl.run.AtomicFiles;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "attack", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Targeted adversarial example: the smallest L-infinity change of a correctly classified image's",
                "pixels (budgets 1/255, 2/255, 3/255, 4/255, 6/255, ... up to --max-eps; projected gradient steps on",
                "log p(target)) that makes the model predict --target with at least --confidence, checked on the saved",
                "8-bit PNG reloaded from disk."},
        footer = {"",
                "The attack works at the model's input resolution: the center crop that the preprocessing feeds the",
                "network (224x224 for ResNet50, after resizing the shorter side to 256). Files written into --out:",
                "  original.png     the image resized as the model sees it (shorter side 256 for ResNet50), 8-bit",
                "  adversarial.png  the same with the attacked crop pasted in: `tl predict` on it sees exactly the",
                "                   attacked pixels (no further resampling, since its size is already the resize size)",
                "  attack.png       original crop | perturbation magnified (factor printed; grey = no change) |",
                "                   adversarial crop, with top-1 labels and probabilities, L-inf and L2 sizes",
                "",
                "Exit codes:%n"
                        + "  0  the target was reached%n"
                        + "  1  internal error (rerun with --stacktrace)%n"
                        + "  2  usage or model error, or the image is not classified correctly to begin with%n"
                        + "  3  data error (missing or unreadable image)%n"
                        + "  4  no budget up to --max-eps reached the target (the best attempt is still written)%n"})
public final class AttackCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ClassifierOption model;

    @Option(names = {"-t", "--target"}, required = true, paramLabel = "NAME", description = "The class to reach (name or index; ImageNet names like tabby or goldfish).")
    String target;

    @Option(names = "--label", paramLabel = "NAME", description = "The image's true class; refused if the model gets it wrong. Default: the model's own top-1 is taken as true.")
    String label;

    @Option(names = "--max-eps", defaultValue = "16/255", paramLabel = "EPS", description = "Largest L-infinity budget, a fraction of the 8-bit range: 16/255, 0.03 (at least 1/255; default: ${DEFAULT-VALUE}).")
    String maxEps;

    @Option(names = "--confidence", defaultValue = "0.9", paramLabel = "P", description = "Target probability required on the saved PNG (default: ${DEFAULT-VALUE}).")
    double confidence;

    @Option(names = "--steps", defaultValue = "20", paramLabel = "N", description = "Gradient steps per budget, step size budget/4 (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "Output folder (default: attack-<image name>).")
    Path out;

    @Option(names = "--json", description = "Print one JSON object with the result on stdout.")
    boolean json;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "A JPEG or PNG image.")
    Path image;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Override
    public Integer call() throws Exception {
        FastPath.enable();
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        double maxFraction;
        try {
            maxFraction = Fgsm.parseEpsilon(maxEps);
        } catch (IllegalArgumentException e) {
            throw TlException.usage("--max-eps: " + e.getMessage());
        }
        int maxLevels = (int) Math.floor(maxFraction * 255 + 1e-6);
        if (maxLevels < 1) {
            throw TlException.usage("--max-eps: '" + maxEps + "' is below 1/255, the smallest change an 8-bit image can hold; pass 1/255 or more");
        }
        if (!(confidence > 0 && confidence < 1)) throw TlException.usage("--confidence: must be in (0, 1), got " + confidence);
        if (steps < 1) throw TlException.usage("--steps: must be at least 1, got " + steps);
        if (!Files.exists(image)) throw new DataException(image + ": no such file; pass a JPEG or PNG image");
        String why = Files.isRegularFile(image) ? ImageFormat.rejectReason(image) : "not a file";
        if (why != null) throw new DataException(image + ": " + why + "; tl attack reads one JPEG or PNG image");

        Classifier c = model.load(common, err);
        int targetIdx = ClassifierOption.classIndex(c, target, "--target");
        Integer labelIdx = label == null ? null : ClassifierOption.classIndex(c, label, "--label");

        long t0 = System.nanoTime();
        ImageTransform transform = new ImageTransform(c.preprocessing());
        BufferedImage img = ImageDecoder.read(image);
        ImageTransform.Resized resized = transform.evalResized(img);
        float[] full = PixelSpace.quantize(resized.pixels());
        int w = c.preprocessing().width();
        int h = c.preprocessing().height();
        float[] crop = crop(full, resized, w, h);

        Attack attack = new Attack(c);
        float[] before = attack.probabilities(crop);
        int top = PixelSpace.argMax(before);
        List<String> names = c.classes();
        if (labelIdx != null && labelIdx != top) {
            throw TlException.usage(String.format(Locale.ROOT, "%s is not classified correctly: the model says %s (%.4f), --label says %s (%.4f); "
                    + "attack an image the model gets right", image, names.get(top), before[top], names.get(labelIdx), before[labelIdx]));
        }
        int trueIdx = labelIdx != null ? labelIdx : top;
        if (labelIdx == null) {
            err.printf(Locale.ROOT, "no --label: taking the model's top-1 %s (%.4f) as the image's true class%n", names.get(top), before[top]);
        }
        if (targetIdx == trueIdx) {
            throw TlException.usage("--target: the model already predicts " + names.get(targetIdx) + " for " + image + "; choose another class");
        }
        err.printf(Locale.ROOT, "attacking %s (%dx%d input crop of a %dx%d resize) towards %s (p = %.2e now), budgets up to %d/255, %d steps each%n",
                image, w, h, resized.width(), resized.height(), names.get(targetIdx), before[targetIdx], maxLevels, steps);
        err.flush();
        Attack.Result r = attack.run(crop, new Attack.Settings(targetIdx, maxLevels, confidence, steps), line -> {
            err.println("  " + line);
            err.flush();
        });

        Path dir = out != null ? out : Path.of("attack-" + stem(image));
        Files.createDirectories(dir);
        float[] advFull = full.clone();
        paste(advFull, r.adversarial(), resized, w, h);
        Path originalPng = dir.resolve("original.png");
        Path adversarialPng = dir.resolve("adversarial.png");
        Path panelPng = dir.resolve("attack.png");
        AtomicFiles.write(originalPng, Png.of(AttackPanel.image(full, resized.width(), resized.height())));
        AtomicFiles.write(adversarialPng, Png.of(AttackPanel.image(advFull, resized.width(), resized.height())));

        // What a user gets back: the saved PNG decoded and preprocessed exactly as `tl predict` does.
        float[] reloaded = c.graph().outputSingle(false, org.nd4j.linalg.factory.Nd4j.create(
                transform.eval(ImageDecoder.read(adversarialPng)), c.preprocessing().batchShape(1), 'c'))
                .castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).toFloatVector();
        int reTop = PixelSpace.argMax(reloaded);
        boolean success = r.success() && reTop == targetIdx && reloaded[targetIdx] >= confidence;
        double seconds = (System.nanoTime() - t0) / 1e9;

        double linf = r.linf();
        double l2 = r.l2();
        int factor = AttackPanel.magnification(linf);
        List<List<String>> captions = List.of(
                List.of(String.format(Locale.ROOT, "original: %s %.1f%%", names.get(top), 100 * before[top]),
                        String.format(Locale.ROOT, "%s: %.4f%%", names.get(targetIdx), 100 * before[targetIdx]),
                        labelIdx == null ? "(true class = model's top-1)" : "(true class from --label)"),
                List.of(String.format(Locale.ROOT, "perturbation x%d (grey = 0)", factor),
                        String.format(Locale.ROOT, "L-inf %.0f/255 = %.4f", linf, linf / 255),
                        String.format(Locale.ROOT, "L2 %.1f levels (%.3f on 0..1)", l2, l2 / 255)),
                List.of(String.format(Locale.ROOT, "%s: %s %.1f%%", success ? "adversarial" : "attempt (failed)", names.get(reTop), 100 * reloaded[reTop]),
                        String.format(Locale.ROOT, "%s: %.1f%%", names.get(trueIdx), 100 * reloaded[trueIdx]),
                        String.format(Locale.ROOT, "reloaded PNG, %d steps", r.steps())));
        AtomicFiles.write(panelPng, Png.of(AttackPanel.render(r.original(), r.adversarial(), w, h, factor, captions)));

        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("image", image.toString());
            o.put("model", c.source());
            o.put("success", success);
            Map<String, Object> orig = new LinkedHashMap<>();
            orig.put("label", names.get(trueIdx));
            orig.put("from", labelIdx == null ? "model top-1" : "--label");
            orig.put("probability", (double) before[trueIdx]);
            o.put("original", orig);
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("label", names.get(targetIdx));
            t.put("probability_before", (double) before[targetIdx]);
            t.put("probability_after", (double) reloaded[targetIdx]);
            t.put("required", confidence);
            o.put("target", t);
            Map<String, Object> after = new LinkedHashMap<>();
            after.put("label", names.get(reTop));
            after.put("probability", (double) reloaded[reTop]);
            o.put("predicted_after", after);
            o.put("eps", levels(r.epsLevels()));
            o.put("linf", levels(linf));
            o.put("l2", levels(l2));
            o.put("steps", r.steps());
            List<Map<String, Object>> trials = new ArrayList<>();
            for (Attack.Trial tr : r.trials()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("eps_levels", tr.epsLevels());
                m.put("steps", tr.steps());
                m.put("target_probability", tr.targetProbability());
                m.put("success", tr.success());
                trials.add(m);
            }
            o.put("trials", trials);
            o.put("input_size", List.of(w, h));
            o.put("saved_size", List.of(resized.width(), resized.height()));
            o.put("magnification", factor);
            Map<String, Object> files = new LinkedHashMap<>();
            files.put("original", originalPng.toString());
            files.put("adversarial", adversarialPng.toString());
            files.put("panel", panelPng.toString());
            o.put("files", files);
            o.put("seconds", Math.round(seconds * 10) / 10.0);
            stdout.println(JSON.writeValueAsString(o));
        } else {
            stdout.printf(Locale.ROOT, "%s: %s -> %s (%.4f on the reloaded PNG, was %.2e) with L-inf %.0f/255, L2 %.1f levels, %d steps, %.1f s; %s%n",
                    success ? "attack succeeded" : "attack FAILED", names.get(trueIdx), names.get(reTop), reloaded[reTop], before[targetIdx],
                    linf, l2, r.steps(), seconds, panelPng);
        }
        stdout.flush();
        if (!success) {
            err.printf(Locale.ROOT, "tl: no budget up to %d/255 made %s predict %s with p >= %s; try a larger --max-eps or more --steps%n",
                    maxLevels, c.source(), names.get(targetIdx), confidence);
            err.flush();
            return ExitCode.BELOW_BAR;
        }
        return ExitCode.OK;
    }

    private static Map<String, Object> levels(double v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("levels", v);
        m.put("fraction", v / 255);
        return m;
    }

    static float[] crop(float[] full, ImageTransform.Resized r, int w, int h) {
        float[] out = new float[3 * w * h];
        for (int y = 0; y < h; y++) System.arraycopy(full, ((y + r.cropY()) * r.width() + r.cropX()) * 3, out, y * w * 3, w * 3);
        return out;
    }

    static void paste(float[] full, float[] crop, ImageTransform.Resized r, int w, int h) {
        for (int y = 0; y < h; y++) System.arraycopy(crop, y * w * 3, full, ((y + r.cropY()) * r.width() + r.cropX()) * 3, w * 3);
    }

    private static String stem(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }
}

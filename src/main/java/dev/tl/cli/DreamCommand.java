package dev.tl.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tl.explain.Classifier;
import dev.tl.explain.Dream;
import dev.tl.explain.Pictures;
import dev.tl.explain.Pixels;
import dev.tl.model.FastPath;
import dev.tl.report.Png;
import dev.tl.run.AtomicFiles;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "dream", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Synthesize the image the model finds most typical of a class: from noise, gradient ascent on the "
                + "class logit with a total-variation penalty that keeps the image smooth.",
                "Writes <class>.png (at the network's input size), <class>-steps.png (intermediate steps) and prints "
                        + "the class probability at the start and the end."},
        footer = {"", ExitCode.HELP_LIST})
public final class DreamCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ClassifierOption model;

    @Option(names = "--class", required = true, paramLabel = "NAME", description = "The class to dream of (name or index).")
    String className;

    @Option(names = "--steps", defaultValue = "" + DEFAULT_STEPS, paramLabel = "N", description = "Gradient steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--tv", defaultValue = "" + DEFAULT_TV, paramLabel = "W",
            description = "Weight of the total-variation penalty; higher is smoother (default: ${DEFAULT-VALUE}; 0 = none).")
    double tv;

    @Option(names = "--lr", defaultValue = "" + DEFAULT_LR, paramLabel = "LEVELS",
            description = "Mean change per pixel per step, in levels of 0..255 (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--jitter", defaultValue = "" + DEFAULT_JITTER, paramLabel = "PX",
            description = "Random shift of the image per step, up to this many pixels (default: ${DEFAULT-VALUE}).")
    int jitter;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Seed of the start noise and the jitter (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = {"-o", "--out"}, defaultValue = "dream", paramLabel = "DIR",
            description = "Directory for the PNGs (default: ${DEFAULT-VALUE}); existing files are never overwritten.")
    Path out;

    @Option(names = "--json", description = "One JSON object: {\"class\",\"png\",\"steps_png\",\"start_probability\",\"probability\",\"steps\",\"seconds\"}.")
    boolean json;

    static final int DEFAULT_STEPS = 40;
    static final double DEFAULT_TV = 0.5;
    static final double DEFAULT_LR = 3.0;
    static final int DEFAULT_JITTER = 4;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Integer call() throws Exception {
        FastPath.enable();
        ExplainCommand.checkOutDir(out);
        Dream.Settings settings;
        try {
            settings = new Dream.Settings(steps, tv, lr, jitter, seed, 8.0, 8);
        } catch (IllegalArgumentException e) {
            throw TlException.usage("--" + e.getMessage().replaceFirst(" weight", ""));
        }
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Classifier c = model.load(common, err);
        int cls = ClassifierOption.classIndex(c, className, "--class");
        String name = c.classes().get(cls);
        var p = c.preprocessing();
        Dream dream = new Dream(c.graph(), p);
        int every = Math.max(1, steps / 10);
        Dream.Outcome o = dream.run(cls, settings, (step, total, prob, tvValue) -> {
            if (step % every == 0 || step == total) {
                err.println(String.format(Locale.ROOT, "dream %s: step %d/%d  p %.4f  tv %.4f", name, step, total, prob, tvValue));
                err.flush();
            }
        });
        String base = name.replaceAll("[^A-Za-z0-9._-]", "_");
        BufferedImage img = Pixels.image(o.image(), p.height(), p.width());
        Path png = AtomicFiles.writeNew(out, base, ".png", Png.of(img));
        String stem = png.getFileName().toString().replaceFirst("\\.png$", "");
        BufferedImage strip = Pictures.strip(o.snapshots(), p.height(), p.width(), name);
        Path stripPng = AtomicFiles.writeNew(out, stem + "-steps", ".png", Png.of(strip));
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("class", name);
            m.put("png", png.toString());
            m.put("steps_png", stripPng.toString());
            m.put("start_probability", o.start());
            m.put("probability", o.end());
            m.put("steps", steps);
            m.put("seconds", Math.round(o.seconds() * 10) / 10.0);
            stdout.println(JSON.writeValueAsString(m));
        } else {
            stdout.println(String.format(Locale.ROOT, "%s: p %.4f -> %.4f in %d steps (%.0f s)%n%s%n%s", name, o.start(), o.end(),
                    steps, o.seconds(), png, stripPng));
        }
        stdout.flush();
        return ExitCode.OK;
    }
}

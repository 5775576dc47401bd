package dev.tl.cli;

import dev.tl.backbone.Backbones;
import dev.tl.backbone.ModelCache;
import dev.tl.explain.Classifier;
import dev.tl.run.ModelBundle;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code --model} of the commands that take gradients of a classifier (explain, dream, attack); picocli mixin. */
public final class ClassifierOption {
    @Option(names = {"-m", "--model"}, paramLabel = "MODEL",
            description = "A run directory, a model.tl.zip, or a zoo backbone with an ImageNet top (resnet50, mobilenet_v1_075) "
                    + "(default: the newest run under runs/).")
    String model;

    /** The classifier named by {@code --model}; one-line usage errors for anything else. */
    Classifier load(CommonOptions common, PrintWriter err) throws IOException {
        String m = model != null ? model : PredictCommand.newestRun(Path.of("runs")).toString();
        boolean zoo = Backbones.names().contains(m);
        if (!zoo && !Files.exists(Path.of(m))) {
            throw TlException.usage("--model: '" + m + "' is neither a run directory or " + ModelBundle.FILE_NAME
                    + " nor a zoo backbone (" + String.join(", ", Backbones.names()) + ")");
        }
        try {
            return Classifier.load(m, new ModelCache(ModelCache.defaultRoot(common.modelsDir), err));
        } catch (ModelBundle.BundleException e) {
            throw TlException.usage(e.getMessage());
        } catch (IllegalArgumentException e) {
            throw TlException.usage("--model: " + e.getMessage());
        }
    }

    /** The index of class {@code name} given to {@code option}; a one-line usage error (listing a small model's classes) otherwise. */
    static int classIndex(Classifier c, String name, String option) {
        try {
            return c.classIndex(name);
        } catch (IllegalArgumentException e) {
            java.util.List<String> cs = c.classes();
            throw TlException.usage(option + ": " + e.getMessage() + (cs.size() <= 20 ? " (classes: " + String.join(", ", cs) + ")" : ""));
        }
    }
}

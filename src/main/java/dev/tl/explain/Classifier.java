package dev.tl.explain;

import dev.tl.backbone.BackboneSpec;
import dev.tl.backbone.Backbones;
import dev.tl.backbone.ModelCache;
import dev.tl.backbone.Preprocessing;
import dev.tl.model.GraphSurgery;
import dev.tl.run.ModelBundle;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A classifier to explain or attack, whatever it came from: a model trained by {@code tl train} (a run
 * directory or {@code model.tl.zip}), or a zoo backbone with its original ImageNet top ({@code resnet50}).
 * Either way it carries what the gradient tools need besides the graph: class names, the preprocessing
 * that maps pixels to the network's input, and the backbone's spec (stages, feature vertex).
 *
 * @param graph         ends in a softmax {@code OutputLayer} (see {@link GraphSurgery#asClassifier})
 * @param classes       class names, index = output index
 * @param preprocessing pixels to network input
 * @param spec          the backbone the model is built on
 * @param source        what was loaded, for messages and reports
 */
public record Classifier(ComputationGraph graph, List<String> classes, Preprocessing preprocessing, BackboneSpec spec, String source) {

    /** {@code model} is a zoo backbone name or a run directory / bundle path. */
    public static Classifier load(String model, ModelCache cache) {
        if (Backbones.names().contains(model)) {
            BackboneSpec spec = Backbones.get(model);
            // known from the spec, before the weights are loaded (or downloaded)
            if (spec.topVertices().isEmpty()) throw noTop(model, spec);
            ComputationGraph g = GraphSurgery.asClassifier(cache.load(spec));
            String out = g.getConfiguration().getNetworkOutputs().get(0);
            if (((org.deeplearning4j.nn.conf.layers.FeedForwardLayer) g.getLayer(out).conf().getLayer()).getNOut() != 1000) throw noTop(model, spec);
            return new Classifier(g, imageNetClasses(), spec.preprocessing(), spec, model + " (ImageNet)");
        }
        ModelBundle.Loaded b = ModelBundle.load(Path.of(model));
        BackboneSpec spec = Backbones.get(b.info().backbone());
        return new Classifier(GraphSurgery.asClassifier(b.graph()), List.copyOf(b.info().classes()),
                b.info().preprocessing().toPreprocessing(), spec, b.file().toString());
    }

    private static IllegalArgumentException noTop(String model, BackboneSpec spec) {
        return new IllegalArgumentException(model + " has no ImageNet classifier top here (" + spec.description()
                + "); train a model on it with `tl train --backbone " + model + "` and pass its run directory");
    }

    /** The 1000 ImageNet class names in the Keras/TF.js output order (from the npm package's labels.json). */
    public static List<String> imageNetClasses() {
        try (InputStream in = Backbones.class.getResourceAsStream("imagenet_classes.txt")) {
            if (in == null) throw new IllegalStateException("imagenet_classes.txt missing from the jar");
            List<String> l = Arrays.asList(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"));
            if (l.size() != 1000) throw new IllegalStateException("imagenet_classes.txt has " + l.size() + " names");
            return List.copyOf(l);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Index of a class name (exact, else case-insensitive with spaces for underscores); a clear error otherwise. */
    public int classIndex(String name) {
        int i = classes.indexOf(name);
        if (i >= 0) return i;
        String norm = name.trim().replace(' ', '_');
        for (int k = 0; k < classes.size(); k++) if (classes.get(k).equalsIgnoreCase(norm)) return k;
        if (name.matches("\\d+") && Integer.parseInt(name) < classes.size()) return Integer.parseInt(name);
        String near = classes.stream().filter(c -> c.toLowerCase().contains(norm.toLowerCase())).limit(5).toList().toString();
        throw new IllegalArgumentException("class '" + name + "' is not one of the model's " + classes.size() + " classes"
                + (near.equals("[]") ? "" : "; close: " + near) + "; pass a name or index as printed by `tl predict`");
    }
}

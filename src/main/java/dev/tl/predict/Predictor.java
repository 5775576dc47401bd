package dev.tl.predict;

import dev.tl.backbone.Preprocessing;
import dev.tl.data.Augment;
import dev.tl.data.Sample;
import dev.tl.train.FolderImageSource;
import dev.tl.data.ImageTransform;
import dev.tl.run.ModelBundle;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Class probabilities for image files from a model bundle. {@code tl predict} and {@code tl eval} both go
 * through {@link #probabilities}, so what eval measures is exactly what predict answers: same decoder,
 * same resize and crop, same normalization (read from the bundle, not from the backbone registry).
 */
public final class Predictor {
    private final ComputationGraph graph;
    private final List<String> classes;
    private final ImageTransform transform;
    private final int batchSize;

    public Predictor(ModelBundle.Loaded bundle, int batchSize) {
        this.graph = bundle.graph();
        this.classes = List.copyOf(bundle.info().classes());
        Preprocessing p = bundle.info().preprocessing().toPreprocessing();
        this.transform = new ImageTransform(p);
        this.batchSize = batchSize;
    }

    public List<String> classes() {
        return classes;
    }

    /**
     * One probability row per image, in order. Images are decoded by the same {@link FolderImageSource} that
     * feeds training (view 0, the evaluation transform), the next batch while the network runs the current
     * one. A file that cannot be decoded fails with its name.
     */
    public float[][] probabilities(List<Path> images) {
        float[][] out = new float[images.size()][];
        List<Sample> samples = images.stream().map(p -> new Sample(p, 0)).toList();
        try (FolderImageSource src = new FolderImageSource(samples, transform, Augment.NONE, 0, 2)) {
            for (int from = 0; from < images.size(); from += batchSize) {
                int to = Math.min(images.size(), from + batchSize);
                INDArray x = src.images(range(from, to), 0);
                if (to < images.size()) src.prefetch(range(to, Math.min(images.size(), to + batchSize)), 0);
                INDArray p = graph.outputSingle(false, x);
                for (int i = 0; i < to - from; i++) out[from + i] = p.getRow(i).toFloatVector();
            }
        }
        return out;
    }

    private static int[] range(int from, int to) {
        return java.util.stream.IntStream.range(from, to).toArray();
    }

    /** Top-k (label, probability) pairs, k capped at the number of classes. */
    public record Ranked(String label, int index, float probability) {
    }

    public List<Ranked> topK(float[] probs, int k) {
        Integer[] idx = new Integer[probs.length];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        java.util.Arrays.sort(idx, (a, b) -> probs[b] != probs[a] ? Float.compare(probs[b], probs[a]) : Integer.compare(a, b));
        List<Ranked> out = new ArrayList<>();
        for (int i = 0; i < Math.min(k, probs.length); i++) out.add(new Ranked(classes.get(idx[i]), idx[i], probs[idx[i]]));
        return out;
    }
}

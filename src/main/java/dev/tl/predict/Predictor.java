package dev.tl.predict;

import dev.tl.backbone.Preprocessing;
import dev.tl.data.DataException;
import dev.tl.data.ImageDecoder;
import dev.tl.data.ImageTransform;
import dev.tl.run.ModelBundle;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Class probabilities for image files from a model bundle. {@code tl predict} and {@code tl eval} both go
 * through {@link #probabilities}, so what eval measures is exactly what predict answers: same decoder,
 * same resize and crop, same normalization (read from the bundle, not from the backbone registry).
 */
public final class Predictor implements AutoCloseable {
    private final ComputationGraph graph;
    private final List<String> classes;
    private final ImageTransform transform;
    private final int batchSize;
    private final ExecutorService pool;

    public Predictor(ModelBundle.Loaded bundle, int batchSize) {
        this.graph = bundle.graph();
        this.classes = List.copyOf(bundle.info().classes());
        Preprocessing p = bundle.info().preprocessing().toPreprocessing();
        this.transform = new ImageTransform(p);
        this.batchSize = batchSize;
        this.pool = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "tl-predict-decode");
            t.setDaemon(true);
            return t;
        });
    }

    public List<String> classes() {
        return classes;
    }

    /** One probability row per image, in order. A file that cannot be decoded fails with its name. */
    public float[][] probabilities(List<Path> images) {
        float[][] out = new float[images.size()][];
        int n = transform.sampleSize();
        List<Future<float[]>> next = submit(images, 0);
        for (int from = 0; from < images.size(); from += batchSize) {
            int to = Math.min(images.size(), from + batchSize);
            List<Future<float[]>> cur = next;
            next = to < images.size() ? submit(images, to) : List.of();
            float[] buf = new float[(to - from) * n];
            for (int k = 0; k < cur.size(); k++) {
                try {
                    System.arraycopy(cur.get(k).get(), 0, buf, k * n, n);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new DataException("interrupted");
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException re) throw re;
                    throw new DataException(images.get(from + k) + ": " + e.getCause());
                }
            }
            INDArray x = Nd4j.create(buf, transform.preprocessing().batchShape(to - from), 'c');
            INDArray p = graph.outputSingle(false, x);
            for (int i = 0; i < to - from; i++) out[from + i] = p.getRow(i).toFloatVector();
        }
        return out;
    }

    private List<Future<float[]>> submit(List<Path> images, int from) {
        List<Future<float[]>> fs = new ArrayList<>();
        for (int i = from; i < Math.min(images.size(), from + batchSize); i++) {
            Path p = images.get(i);
            fs.add(pool.submit(() -> transform.eval(ImageDecoder.read(p))));
        }
        return fs;
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

    @Override
    public void close() {
        pool.shutdownNow();
    }
}

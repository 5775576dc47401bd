package dev.tl.explain;

import dev.tl.backbone.Preprocessing;
import dev.tl.data.ImageDecoder;
import dev.tl.data.ImageTransform;
import dev.tl.model.ClassObjective.Score;
import dev.tl.model.GraphSurgery;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Robustness to the fast gradient sign method (Goodfellow et al. 2015), untargeted: each image moves by
 * {@code eps} against the gradient sign of {@code log p(true class)}, in 8-bit pixel units at the model's
 * input resolution, {@code x' = clip(x - eps * 255 * sign(d log p(true) / d pixels), 0, 255)}, and is
 * classified again. One gradient pass per batch serves every epsilon.
 *
 * <p>The clean input is built exactly as {@code tl eval} builds it ({@link ImageTransform#evalPixels} then
 * {@link ImageTransform#normalize}, the same bits as {@link ImageTransform#eval}) and classified by the same
 * graph with the same batches, so epsilon 0 gives exactly the clean predictions.
 */
public final class Fgsm {
    private final ComputationGraph model;
    private final InputGradients gradients;
    private final PixelSpace space;
    private final ImageTransform transform;

    /** @param model the model as {@code tl eval} runs it (softmax output) */
    public Fgsm(ComputationGraph model, Preprocessing p) {
        this.model = model;
        this.gradients = InputGradients.of(GraphSurgery.asClassifier(model));
        this.space = new PixelSpace(p);
        this.transform = new ImageTransform(p);
    }

    /**
     * Predicted class of every image under attack at every epsilon: {@code [eps index][image]}.
     *
     * @param epsilons fractions of the 8-bit range (2/255 = two levels), each in [0, 1]
     */
    public int[][] predictions(List<Path> images, int[] truth, double[] epsilons, int batchSize) {
        int[][] out = new int[epsilons.length][images.size()];
        for (int from = 0; from < images.size(); from += batchSize) {
            int to = Math.min(images.size(), from + batchSize);
            List<float[]> pixels = new ArrayList<>();
            for (int i = from; i < to; i++) pixels.add(transform.evalPixels(ImageDecoder.read(images.get(i))));
            int[] labels = java.util.Arrays.copyOfRange(truth, from, to);
            INDArray grad = gradients.gradient(space.input(pixels), labels, Score.LOG_PROB).gradient();
            List<float[]> g = new ArrayList<>();
            for (int i = 0; i < pixels.size(); i++) g.add(space.pixelGradient(grad, i));
            for (int e = 0; e < epsilons.length; e++) {
                float step = (float) (epsilons[e] * 255);
                List<float[]> adv = new ArrayList<>();
                for (int i = 0; i < pixels.size(); i++) adv.add(perturb(pixels.get(i), g.get(i), step));
                INDArray p = model.outputSingle(false, space.input(adv)).castTo(DataType.FLOAT);
                for (int i = 0; i < pixels.size(); i++) out[e][from + i] = PixelSpace.argMax(p.getRow(i).toFloatVector());
            }
        }
        return out;
    }

    /** One descent step on log p(true) of size {@code step} levels, clipped to [0, 255]; step 0 returns x unchanged. */
    static float[] perturb(float[] x, float[] gradient, float step) {
        if (step == 0) return x;
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            float v = x[i] - (gradient[i] > 0 ? step : gradient[i] < 0 ? -step : 0);
            y[i] = Math.max(0, Math.min(255, v));
        }
        return y;
    }

    /**
     * The {@code robustness} block of {@code tl.eval/1} (docs/eval-json-schema.md): the attack, the clean
     * accuracy, and one point per epsilon in the order given.
     */
    public static Map<String, Object> json(double[] epsilons, int[][] predictions, int[] truth, double cleanAccuracy) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("attack", "fgsm");
        m.put("objective", "untargeted: one step against the sign of d log p(true class) / d pixels");
        m.put("space", "8-bit pixels (0..255) of the model's input crop, clipped to [0, 255]");
        m.put("clean_accuracy", cleanAccuracy);
        List<Map<String, Object>> points = new ArrayList<>();
        for (int e = 0; e < epsilons.length; e++) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("epsilon", epsilons[e]);
            p.put("epsilon_levels", epsilons[e] * 255);
            p.put("accuracy", accuracy(predictions[e], truth));
            int ok = 0;
            for (int i = 0; i < truth.length; i++) if (predictions[e][i] == truth[i]) ok++;
            p.put("correct", ok);
            points.add(p);
        }
        m.put("points", points);
        return m;
    }

    /** A few terminal lines for the block {@link #json} made. */
    public static String summary(Object robustness) {
        if (!(robustness instanceof Map<?, ?> m)) return "";
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%nrobustness (FGSM, pixels of the input crop): clean accuracy %.4f%n",
                ((Number) m.get("clean_accuracy")).doubleValue()));
        sb.append(String.format(Locale.ROOT, "  %-10s %-8s %s%n", "epsilon", "x 255", "accuracy"));
        for (Object o : (List<?>) m.get("points")) {
            Map<?, ?> p = (Map<?, ?>) o;
            sb.append(String.format(Locale.ROOT, "  %-10.5f %-8.2f %.4f%n", ((Number) p.get("epsilon")).doubleValue(),
                    ((Number) p.get("epsilon_levels")).doubleValue(), ((Number) p.get("accuracy")).doubleValue()));
        }
        return sb.toString();
    }

    /** Fraction of {@code predicted} equal to {@code truth}. */
    public static double accuracy(int[] predicted, int[] truth) {
        int ok = 0;
        for (int i = 0; i < truth.length; i++) if (predicted[i] == truth[i]) ok++;
        return truth.length == 0 ? 0 : (double) ok / truth.length;
    }

    /**
     * Parses epsilons such as {@code 1/255,2/255,0.01}: fractions or decimals in [0, 1], comma-separated.
     *
     * @throws IllegalArgumentException naming the bad value
     */
    public static double[] parseEpsilons(String text) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("no epsilon given; pass values like 1/255,2/255,0.01");
        String[] parts = text.split(",", -1);
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) out[i] = parseEpsilon(parts[i]);
        return out;
    }

    /** One epsilon: {@code a/b} or a decimal, in [0, 1]. */
    public static double parseEpsilon(String raw) {
        String s = raw.trim();
        double v;
        try {
            int slash = s.indexOf('/');
            if (slash >= 0) {
                double num = Double.parseDouble(s.substring(0, slash).trim());
                double den = Double.parseDouble(s.substring(slash + 1).trim());
                if (den == 0) throw new NumberFormatException();
                v = num / den;
            } else {
                v = Double.parseDouble(s);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + raw + "' is not a number or a fraction like 2/255");
        }
        if (!(v >= 0 && v <= 1) || s.contains("NaN") || s.contains("Infinity")) {
            throw new IllegalArgumentException("'" + raw + "' is outside [0, 1]; epsilon is a fraction of the 8-bit range (2/255 = two levels)");
        }
        return v;
    }
}

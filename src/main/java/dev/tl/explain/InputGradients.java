package dev.tl.explain;

import dev.tl.model.ClassObjective;
import dev.tl.model.ClassObjective.Score;
import dev.tl.model.GraphSurgery;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Gradients of a trained classifier's class scores with respect to its input image (or, for Grad-CAM,
 * with respect to an inner activation): the one primitive behind saliency maps, Grad-CAM, class dreams
 * and adversarial attacks.
 *
 * <p>It differentiates the model as it predicts, not as it trains (see {@link GraphSurgery#differentiable}):
 * a gradient taken through DL4J's training pass would see batch statistics and dropout masks, and would
 * explain a function the model never computes at prediction time.
 *
 * <p>Not thread-safe: one instance holds one graph's layer state.
 */
public final class InputGradients {
    private final ComputationGraph graph;
    private final ClassObjective objective;
    private final String input;

    private InputGradients(ComputationGraph graph, ClassObjective objective) {
        this.graph = graph;
        this.objective = objective;
        this.input = graph.getConfiguration().getNetworkInputs().get(0);
    }

    /** Gradients with respect to {@code model}'s input image. */
    public static InputGradients of(ComputationGraph model) {
        return from(model, model.getConfiguration().getNetworkInputs().get(0));
    }

    /** Gradients with respect to the activation of {@code vertex}: the function from there to the output. */
    public static InputGradients from(ComputationGraph model, String vertex) {
        ClassObjective objective = new ClassObjective(Score.LOGIT);
        return new InputGradients(GraphSurgery.differentiable(model, vertex, objective), objective);
    }

    public ComputationGraph graph() {
        return graph;
    }

    /** Logits, one row per example (the model's softmax input). */
    public INDArray logits(INDArray x) {
        return graph.outputSingle(false, x);
    }

    /** Softmax probabilities, equal to the original model's output up to float rounding. */
    public INDArray probabilities(INDArray x) {
        return Transforms.softmax(logits(x), true);
    }

    /** Gradient of {@code score} of class {@code classes[i]} for row i, with respect to row i of {@code x}. */
    public Result gradient(INDArray x, int[] classes, Score score) {
        long n = x.size(0);
        if (classes.length != n) throw new IllegalArgumentException(classes.length + " classes for " + n + " rows");
        INDArray w = Nd4j.zeros(x.dataType(), n, numClasses());
        for (int i = 0; i < n; i++) w.putScalar(i, classes[i], 1.0);
        return gradient(x, w, score);
    }

    /**
     * Gradient with respect to {@code x} of {@code J = sum_i sum_c weights[i,c] * score_c(x_i)}; rows do not
     * interact (no batch statistics), so row i of the result is the gradient of row i's own term. The
     * ascent direction: add it to raise the weighted scores.
     */
    public Result gradient(INDArray x, INDArray weights, Score score) {
        objective.setScore(score);
        try {
            graph.setInputs(x);
            graph.setLabels(weights.castTo(x.dataType()));
            graph.computeGradientAndScore();
            INDArray eps = ((dev.tl.model.GradientTap.Impl) graph.getLayer(GraphSurgery.GRADIENT_TAP)).take();
            if (eps == null) throw new IllegalStateException("no gradient reached the input vertex " + input);
            INDArray grad = eps.negi().reshape(x.shape());
            return new Result(grad, objective.lastLogits());
        } finally {
            graph.clearLayersStates();
            graph.clear();
        }
    }

    public int numClasses() {
        String out = graph.getConfiguration().getNetworkOutputs().get(0);
        // from the configuration: an output layer without a bias has no "b" to count
        return (int) ((org.deeplearning4j.nn.conf.layers.FeedForwardLayer) graph.getLayer(out).conf().getLayer()).getNOut();
    }

    /**
     * @param gradient d J / d x, shaped like x
     * @param logits   the logits at x, from the same forward pass
     */
    public record Result(INDArray gradient, INDArray logits) {
        public INDArray probabilities() {
            return Transforms.softmax(logits, true);
        }
    }
}

package dev.tl.model;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The loss of a {@link GraphSurgery#differentiable} graph: minus a weighted sum of class scores, computed
 * from the logits (the output layer's activation is the identity there). With one-hot "labels" it is
 * minus the target class's score, so DL4J's backward pass yields minus its gradient.
 *
 * <p>Two scores, because the explanation methods disagree on which one they need: Grad-CAM and plain
 * saliency are defined on the logit (the softmax couples every class in, and saturates); attacks and class
 * dreams work on the log-probability, which also pushes the other classes down.
 *
 * <p>Mutable ({@link #setScore}) so that one graph serves both without being rebuilt.
 */
public final class ClassObjective implements ILossFunction {
    /** Which class score the gradient is taken of. */
    public enum Score { LOGIT, LOG_PROB }

    private Score score;
    private INDArray lastLogits;

    public ClassObjective(Score score) {
        this.score = score;
    }

    public Score getScore() {
        return score;
    }

    public void setScore(Score score) {
        this.score = score;
    }

    /** Per row: minus sum_c w_c * score_c. */
    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray z = activationFn.getActivation(preOutput.dup(), false);
        try (var ws = org.nd4j.linalg.factory.Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            lastLogits = z.dup();
        }
        INDArray s = score == Score.LOGIT ? z : Transforms.log(Transforms.softmax(z, true), false);
        INDArray out = s.mul(labels).sum(1).negi();
        return mask == null ? out : out.muli(mask.reshape(out.shape()));
    }

    /** The logits of the last scored batch (DL4J scores every gradient pass), outside any workspace. */
    public INDArray lastLogits() {
        return lastLogits;
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask, boolean average) {
        double sum = computeScoreArray(labels, preOutput, activationFn, mask).sumNumber().doubleValue();
        return average ? sum / preOutput.size(0) : sum;
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray dLdz;
        if (score == Score.LOGIT) {
            dLdz = labels.neg();
        } else {
            // d/dz of -sum_c w_c log softmax(z)_c = softmax(z) * sum_c w_c - w
            INDArray p = Transforms.softmax(activationFn.getActivation(preOutput.dup(), false), true);
            dLdz = p.muli(labels.sum(true, 1)).subi(labels);
        }
        INDArray grad = activationFn.backprop(preOutput.dup(), dLdz).getFirst();
        return mask == null ? grad : grad.muliColumnVector(mask.reshape(mask.length(), 1));
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn,
                                                          INDArray mask, boolean average) {
        return new Pair<>(computeScore(labels, preOutput, activationFn, mask, average),
                computeGradient(labels, preOutput, activationFn, mask));
    }

    @Override
    public String name() {
        return "class-objective-" + score;
    }

    @Override
    public String toString() {
        return name();
    }
}

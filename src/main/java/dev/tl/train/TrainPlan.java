package dev.tl.train;

import dev.tl.model.HeadSpec;

import java.util.List;

/**
 * Everything the trainer needs, resolved from a config: no defaults are decided past this point.
 *
 * @param head            the new classifier
 * @param phases          in order; trainable parts must grow from the top down
 * @param optimizer       adam, sgd or nesterovs
 * @param momentum        for sgd/nesterovs
 * @param weightDecay     decoupled weight decay (0 = none)
 * @param batchSize       images per step
 * @param seed            drives head init, shuffling, augmentation and dropout
 * @param freezeBatchNorm BatchNorm in trainable backbone stages keeps running stats and fixed gamma/beta
 * @param views           cached augmented views per training image in augmenting phases
 * @param selectBest      the bundle gets the best-validation-accuracy weights instead of the last
 * @param balanceClasses  weigh each class's loss by N / (K * n_c) over the training set
 */
public record TrainPlan(HeadSpec head, List<PhasePlan> phases, String optimizer, double momentum, double weightDecay,
                        int batchSize, long seed, boolean freezeBatchNorm, int views, boolean selectBest,
                        boolean balanceClasses) {
    public TrainPlan {
        phases = List.copyOf(phases);
        if (phases.isEmpty()) throw new IllegalArgumentException("a plan needs at least one phase");
    }

    /**
     * Per-class loss weights for these training labels: {@code N / (K * n_c)} when balancing (scikit-learn's
     * "balanced"), else null. A class with no training image gets weight 0 (it cannot be learned anyway).
     */
    public float[] classWeights(int[] labels, int numClasses) {
        if (!balanceClasses) return null;
        long[] n = new long[numClasses];
        for (int l : labels) n[l]++;
        float[] w = new float[numClasses];
        for (int c = 0; c < numClasses; c++) w[c] = n[c] == 0 ? 0f : (float) (labels.length / ((double) numClasses * n[c]));
        return w;
    }

    public int totalEpochs() {
        return phases.stream().mapToInt(PhasePlan::epochs).sum();
    }
}

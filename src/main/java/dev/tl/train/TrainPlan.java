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
 */
public record TrainPlan(HeadSpec head, List<PhasePlan> phases, String optimizer, double momentum, double weightDecay,
                        int batchSize, long seed, boolean freezeBatchNorm, int views, boolean selectBest) {
    public TrainPlan {
        phases = List.copyOf(phases);
        if (phases.isEmpty()) throw new IllegalArgumentException("a plan needs at least one phase");
    }

    public int totalEpochs() {
        return phases.stream().mapToInt(PhasePlan::epochs).sum();
    }
}

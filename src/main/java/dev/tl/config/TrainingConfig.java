package dev.tl.config;

import java.util.Objects;

/**
 * @param epochs      epochs for every strategy but progressive, whose phases carry their own; for progressive
 *                    without explicit phases it sizes the default phases
 * @param batchSize   mini-batch size
 * @param optimizer   updater
 * @param lr          head learning rate (backbone stages: see {@link StrategyConfig})
 * @param momentum    momentum for sgd/nesterovs, beta1 for adam
 * @param weightDecay decoupled weight decay coefficient, 0 for none
 * @param seed        seed of initialization, shuffling and augmentation
 * @param select      which epoch's weights are kept
 * @param classWeights how the loss weighs classes (balanced counters class imbalance)
 */
public record TrainingConfig(int epochs, int batchSize, Optimizer optimizer, double lr, double momentum,
                             double weightDecay, long seed, Select select, ClassWeights classWeights) {
    public TrainingConfig {
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(select, "select");
        Objects.requireNonNull(classWeights, "classWeights");
    }
}

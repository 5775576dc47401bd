package dev.tl.train;

/**
 * Metrics of one epoch. {@code epoch} counts from 1 across all phases; {@code phaseEpoch} within the phase.
 * {@code seconds} is wall time of the epoch including any feature computation done for it.
 */
public record EpochResult(int phaseIndex, String phase, int epoch, int phaseEpoch, double trainLoss, double trainAccuracy,
                          double valLoss, double valAccuracy, double headLr, double seconds, double featurizeSeconds,
                          double imagesPerSecond, double dataWaitSeconds) {
}

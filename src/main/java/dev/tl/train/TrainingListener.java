package dev.tl.train;

/**
 * Hooks into training, in the manner of DJL's TrainingListener: small, all defaults empty, so a listener
 * implements only what it needs. Progress, CSV metrics and checkpoints are all listeners.
 */
public interface TrainingListener {
    default void onPhaseStart(int phaseIndex, PhasePlan phase, String boundary) {}

    /** Frozen part computed for {@code done} of {@code total} images of the named split. */
    default void onFeaturize(PhasePlan phase, String split, int done, int total, double seconds, boolean fromDisk) {}

    /** DL4J's memory estimate for this phase's training step, or null with the reason it is unavailable. */
    default void onMemoryEstimate(PhasePlan phase, MemoryEstimate estimate, String unavailable) {}

    default void onBatchEnd(PhasePlan phase, int epoch, int batch, int batches, double loss, int images, double seconds, double waitSeconds) {}

    default void onEpochEnd(EpochResult result, Trainer.State state) {}

    default void onPhaseEnd(int phaseIndex, PhasePlan phase) {}
}

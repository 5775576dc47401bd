package dev.tl.config;

/**
 * How the pretrained backbone is used. {@code feature-extract}: backbone frozen, features cached, a new
 * (by default linear) head trained on them. {@code head-replace}: the same, with a hidden-layer head by default.
 * {@code fine-tune}: the top backbone stages (from {@code unfreeze_from}) train with the head.
 * {@code progressive}: phases unfreeze stages from the top down (ULMFiT-style gradual unfreezing).
 */
public enum Strategy {
    FEATURE_EXTRACT("feature-extract"), HEAD_REPLACE("head-replace"), FINE_TUNE("fine-tune"), PROGRESSIVE("progressive");

    private final String id;

    Strategy(String id) {
        this.id = id;
    }

    /** The spelling used in config files and on the command line. */
    public String id() {
        return id;
    }

    /** The constant spelled {@code name} in configs; an unknown name fails listing the valid ones. */
    public static Strategy fromName(String name) {
        return Names.find(Strategy.class, name, Strategy::id, "strategy");
    }

    /** Whether some backbone stage trains (and so {@code stage_lr} means something). */
    public boolean trainsBackbone() {
        return this == FINE_TUNE || this == PROGRESSIVE;
    }

    /** Valid spellings, comma separated, for messages. */
    public static String validNames() {
        return Names.valid(Strategy.class, Strategy::id);
    }

    @Override
    public String toString() {
        return id;
    }
}

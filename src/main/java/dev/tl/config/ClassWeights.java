package dev.tl.config;

/** How the training loss weighs classes: equally per image (none), or inversely to how often each class occurs in the training set (balanced: w_c = N / (K * n_c), as scikit-learn), so that a rare class counts as much as a common one. */
public enum ClassWeights {
    NONE("none"), BALANCED("balanced");

    private final String id;

    ClassWeights(String id) {
        this.id = id;
    }

    /** The spelling used in config files and on the command line. */
    public String id() {
        return id;
    }

    /** The constant spelled {@code name} in configs; an unknown name fails listing the valid ones. */
    public static ClassWeights fromName(String name) {
        return Names.find(ClassWeights.class, name, ClassWeights::id, "class_weights");
    }

    /** Valid spellings, comma separated, for messages. */
    public static String validNames() {
        return Names.valid(ClassWeights.class, ClassWeights::id);
    }

    @Override
    public String toString() {
        return id;
    }
}

package dev.tl.config;

/** How BatchNorm layers inside unfrozen backbone stages behave: {@code FROZEN} keeps their running statistics and gamma/beta fixed (the usual choice for small data sets, where batch statistics are noisy), {@code TRAIN} trains them normally. */
public enum BatchNormMode {
    FROZEN("frozen"), TRAIN("train");

    private final String id;

    BatchNormMode(String id) {
        this.id = id;
    }

    /** The spelling used in config files and on the command line. */
    public String id() {
        return id;
    }

    /** The constant spelled {@code name} in configs; an unknown name fails listing the valid ones. */
    public static BatchNormMode fromName(String name) {
        return Names.find(BatchNormMode.class, name, BatchNormMode::id, "batchnorm mode");
    }

    /** Valid spellings, comma separated, for messages. */
    public static String validNames() {
        return Names.valid(BatchNormMode.class, BatchNormMode::id);
    }

    @Override
    public String toString() {
        return id;
    }
}

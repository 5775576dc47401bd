package dev.tl.config;

/** The updater for all trainable parameters. */
public enum Optimizer {
    ADAM("adam"), SGD("sgd"), NESTEROVS("nesterovs");

    private final String id;

    Optimizer(String id) {
        this.id = id;
    }

    /** The spelling used in config files and on the command line. */
    public String id() {
        return id;
    }

    /** The constant spelled {@code name} in configs; an unknown name fails listing the valid ones. */
    public static Optimizer fromName(String name) {
        return Names.find(Optimizer.class, name, Optimizer::id, "optimizer");
    }

    /** Valid spellings, comma separated, for messages. */
    public static String validNames() {
        return Names.valid(Optimizer.class, Optimizer::id);
    }

    @Override
    public String toString() {
        return id;
    }
}

package dev.tl.config;

/** Which epoch's weights become the model bundle: the last one, or the one with the best validation metric. */
public enum Select {
    LAST("last"), BEST("best");

    private final String id;

    Select(String id) {
        this.id = id;
    }

    /** The spelling used in config files and on the command line. */
    public String id() {
        return id;
    }

    /** The constant spelled {@code name} in configs; an unknown name fails listing the valid ones. */
    public static Select fromName(String name) {
        return Names.find(Select.class, name, Select::id, "select");
    }

    /** Valid spellings, comma separated, for messages. */
    public static String validNames() {
        return Names.valid(Select.class, Select::id);
    }

    @Override
    public String toString() {
        return id;
    }
}

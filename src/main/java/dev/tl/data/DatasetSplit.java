package dev.tl.data;

import java.util.List;

/**
 * A scanned dataset: the class names (sorted; index = label, saved with the model), the training and
 * validation samples (each sorted by class, then path) and the files that were skipped.
 */
public record DatasetSplit(List<String> classes, List<Sample> train, List<Sample> val, List<Skipped> skipped) {
    public DatasetSplit {
        classes = List.copyOf(classes);
        train = List.copyOf(train);
        val = List.copyOf(val);
        skipped = List.copyOf(skipped);
    }

    public int numClasses() {
        return classes.size();
    }
}

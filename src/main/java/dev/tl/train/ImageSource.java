package dev.tl.train;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Preprocessed images by index, as the network's input tensor. View 0 is the plain (eval) transform;
 * views 1.. are random augmentations, each a deterministic function of the seed, the image and the view,
 * so that cached features can be recomputed identically (resume, reproducibility).
 */
public interface ImageSource {
    int size();

    int label(int index);

    /** A batch of the given images in the given view, shaped as the backbone's input. */
    INDArray images(int[] indices, int view);

    /** A hint that these images will be asked for next, so they can be decoded while the network computes. */
    default void prefetch(int[] indices, int view) {}

    /** A stable identity of image {@code index} (content hash), for disk-cache keys; null disables disk caching. */
    default String contentId(int index) {
        return null;
    }

    /** Nanoseconds the consumer has spent waiting for decoded images so far. */
    default long waitNanos() {
        return 0;
    }
}

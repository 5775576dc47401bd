package dev.tl.config;

/**
 * @param flip     random horizontal flips
 * @param minScale smallest crop area (fraction of the image) of random resized crops
 * @param views    augmented views cached per train image for phases that train backbone stages; frozen
 *                 prefixes are computed once per view, so this bounds augmentation variety against cache size
 */
public record AugmentConfig(boolean flip, double minScale, int views) {
}

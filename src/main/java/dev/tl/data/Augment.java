package dev.tl.data;

/**
 * Training augmentation. {@code minScale < 1}: a RandomResizedCrop (like torchvision's) covering a random
 * {@code minScale..1} fraction of the image area with aspect ratio 3/4..4/3, resized to the input size.
 * {@code minScale == 1}: the evaluation resize + center crop. {@code flip}: mirror left-right with
 * probability 0.5.
 */
public record Augment(boolean flip, double minScale) {
    /** No augmentation: the evaluation transform. */
    public static final Augment NONE = new Augment(false, 1.0);
    /** The usual training augmentation: flip, and crops of 35%..100% of the area. */
    public static final Augment DEFAULT = new Augment(true, 0.35);

    public Augment {
        if (!(minScale > 0 && minScale <= 1)) throw new IllegalArgumentException("minScale must be in (0, 1], got " + minScale);
    }

    public boolean isNone() {
        return !flip && minScale >= 1.0;
    }
}

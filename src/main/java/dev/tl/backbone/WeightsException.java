package dev.tl.backbone;

/** A weights file, model file or cache entry that cannot be used; the message names the file and the fix. */
public class WeightsException extends RuntimeException {
    public WeightsException(String message) {
        super(message);
    }

    public WeightsException(String message, Throwable cause) {
        super(message, cause);
    }
}

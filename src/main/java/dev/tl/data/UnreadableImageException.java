package dev.tl.data;

import java.nio.file.Path;

/** An image file that cannot be decoded; the message is {@code "<path>: unreadable image (<reason>)"}. */
public class UnreadableImageException extends DataException {
    private final transient Path path;
    private final String reason;

    public UnreadableImageException(Path path, String reason) {
        this(path, reason, null);
    }

    public UnreadableImageException(Path path, String reason, Throwable cause) {
        super(path + ": unreadable image (" + reason + ")", cause);
        this.path = path;
        this.reason = reason;
    }

    public Path path() {
        return path;
    }

    /** Why it cannot be read, without the path, e.g. "GIF image; only JPEG and PNG are read". */
    public String reason() {
        return reason;
    }
}

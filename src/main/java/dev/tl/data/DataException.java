package dev.tl.data;

/**
 * The dataset or an input image cannot be used. The message is one line, meant for the user: it names the
 * folder or file and, where there is one, the fix.
 */
public class DataException extends RuntimeException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}

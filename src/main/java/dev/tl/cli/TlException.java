package dev.tl.cli;

/** A failure the user can fix: printed as one line with no stack trace, exits with {@link #exitCode()}. */
public class TlException extends RuntimeException {
    private final int exitCode;

    public TlException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public TlException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    public static TlException usage(String message) {
        return new TlException(ExitCode.USAGE, message);
    }

    public static TlException data(String message) {
        return new TlException(ExitCode.DATA, message);
    }
}

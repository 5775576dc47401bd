package dev.tl.cli;

/** Stable exit codes for scripts; listed in every command's {@code --help}. */
public final class ExitCode {
    public static final int OK = 0;
    /** Internal error: a bug or an environment failure; rerun with --stacktrace and report it. */
    public static final int INTERNAL = 1;
    /** Usage or config error: a bad option, config field or model file. */
    public static final int USAGE = 2;
    /** Data error: the dataset or an input image cannot be used. */
    public static final int DATA = 3;
    /** A quality bar ({@code --fail-under}) was not met. */
    public static final int BELOW_BAR = 4;

    public static final String HELP_LIST = "Exit codes:%n"
            + "  0  ok%n"
            + "  1  internal error (rerun with --stacktrace)%n"
            + "  2  usage, config or model error%n"
            + "  3  data error%n"
            + "  4  a --fail-under bar was not met%n";

    private ExitCode() {}
}

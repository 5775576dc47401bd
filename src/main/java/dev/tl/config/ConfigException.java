package dev.tl.config;

/**
 * A config that cannot be used, reported as one line a user can act on:
 * {@code <source>: <yaml.path>: <problem and fix>}. Unchecked because every caller's only sensible
 * reaction is to print the message and stop; the CLI maps it to a usage exit code.
 */
public class ConfigException extends RuntimeException {
    private final String source;
    private final String path;
    private final String problem;
    private final int line;

    /**
     * @param source  the file name (or other source name) the config came from
     * @param path    YAML path of the offending value ({@code strategy.phases[1].epochs}), "" for the whole file
     * @param problem what is wrong and how to fix it, one line
     */
    public ConfigException(String source, String path, String problem) {
        this(source, path, problem, 0, 0, null);
    }

    ConfigException(String source, String path, String problem, int line, int column, Throwable cause) {
        super(render(source, path, problem, line, column), cause);
        this.source = source;
        this.path = path;
        this.problem = problem;
        this.line = line;
    }

    private static String render(String source, String path, String problem, int line, int column) {
        StringBuilder sb = new StringBuilder(source);
        if (line > 0) sb.append(':').append(line);
        if (line > 0 && column > 0) sb.append(':').append(column);
        sb.append(": ");
        if (!path.isEmpty()) sb.append(path).append(": ");
        return sb.append(problem).toString();
    }

    /** The YAML path of the offending value, or "" when the problem concerns the whole file. */
    public String path() {
        return path;
    }

    /** The file or source name the config was read from. */
    public String source() {
        return source;
    }

    /** The message without source and path. */
    public String problem() {
        return problem;
    }

    /** 1-based line of a YAML syntax error, 0 when not known (semantic errors carry a path instead). */
    public int line() {
        return line;
    }
}

package dev.tl.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Options every command shares (picocli mixin). */
public final class CommonOptions {
    @Option(names = "--stacktrace", description = "Print the stack trace of an error.")
    public boolean stacktrace;

    @Option(names = "--models-dir", paramLabel = "DIR", description = "Model cache (default: $TL_HOME/models or ./models).")
    public Path modelsDir;
}

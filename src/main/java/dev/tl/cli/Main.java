package dev.tl.cli;

import dev.tl.model.FastPath;

/** Entry point: switches DL4J onto its fast path before anything else, then runs picocli. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        FastPath.enable();
        int code = Tl.commandLine(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true)).execute(args);
        System.exit(code);
    }
}

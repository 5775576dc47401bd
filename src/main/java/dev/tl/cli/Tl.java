package dev.tl.cli;

import dev.tl.backbone.WeightsException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * The root command and the one factory that {@code main} and the tests share, so tests see exactly the
 * parsing, error handling and exit codes users get.
 */
@Command(name = "tl", mixinStandardHelpOptions = true, versionProvider = Tl.Version.class,
        description = "Transfer learning for image classification on the JVM (Deeplearning4j).",
        footer = {"", ExitCode.HELP_LIST},
        subcommands = {TrainCommand.class, EvalCommand.class, PredictCommand.class, ModelsCommand.class, DataCommand.class,
                BenchCommand.class, CompareCommand.class, ExplainCommand.class, DreamCommand.class, AttackCommand.class,
                CommandLine.HelpCommand.class})
public final class Tl implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: try `tl train`, `tl eval`, `tl predict`, `tl models` or `tl data check`");
    }

    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Tl());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(Tl::handle);
        cl.setParameterExceptionHandler((ex, args) -> {
            String msg = ex.getMessage();
            if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
                msg += "; did you mean " + String.join(" or ", u.getSuggestions()) + "?";
            }
            ex.getCommandLine().getErr().println("tl: " + msg);
            ex.getCommandLine().getErr().println("Try `" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help`.");
            return ExitCode.USAGE;
        });
        cl.setExitCodeExceptionMapper(ex -> ExitCode.INTERNAL);
        return cl;
    }

    /** One line per failure; the stack trace only with --stacktrace. */
    static int handle(Exception ex, CommandLine cl, CommandLine.ParseResult pr) {
        PrintWriter err = cl.getErr();
        boolean trace = pr.matchedOptionValue("--stacktrace", false)
                || (pr.subcommand() != null && pr.subcommand().matchedOptionValue("--stacktrace", false))
                || (pr.subcommand() != null && pr.subcommand().subcommand() != null && pr.subcommand().subcommand().matchedOptionValue("--stacktrace", false));
        int code;
        String msg;
        Throwable t = ex;
        if (t instanceof TlException te) {
            code = te.exitCode();
            msg = te.getMessage();
        } else if (t instanceof WeightsException) {
            code = ExitCode.USAGE;
            msg = t.getMessage();
        } else if (t instanceof dev.tl.config.ConfigException || t instanceof dev.tl.run.ModelBundle.BundleException) {
            code = ExitCode.USAGE;
            msg = t.getMessage();
        } else if (t instanceof dev.tl.data.DataException) {
            code = ExitCode.DATA;
            msg = t.getMessage();
        } else if (t instanceof OutOfMemoryError || String.valueOf(t.getMessage()).contains("Failed to allocate")) {
            code = ExitCode.INTERNAL;
            msg = "out of memory: " + t.getMessage() + "; try a smaller --batch-size";
        } else {
            code = ExitCode.INTERNAL;
            msg = "internal error: " + t.getClass().getSimpleName() + ": " + t.getMessage() + " (rerun with --stacktrace and report it)";
        }
        err.println("tl: " + msg);
        if (trace) ex.printStackTrace(err);
        err.flush();
        return code;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Tl.class.getPackage().getImplementationVersion();
            return new String[]{"tl " + (v == null ? "dev" : v) + " (Deeplearning4j 1.0.0-M2.1, Java " + System.getProperty("java.version") + ")"};
        }
    }
}

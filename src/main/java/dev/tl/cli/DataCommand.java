package dev.tl.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tl.data.DataCheck;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code tl data check DIR}: what in a dataset would spoil or stop training, before any time is spent on it. */
@Command(name = "data", mixinStandardHelpOptions = true, footer = {"", ExitCode.HELP_LIST},
        description = "Inspect image datasets.", subcommands = {DataCommand.Check.class})
public final class DataCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: try `tl data check DIR`");
    }

    @Command(name = "check", mixinStandardHelpOptions = true, footer = {"", ExitCode.HELP_LIST},
            description = {"Decode every image of DIR and report, with counts: unreadable and non-image",
                    "files; EXIF-rotated, grayscale, CMYK/YCCK and transparent images (warnings:",
                    "they are converted to upright RGB when loaded); exact duplicates between",
                    "train and val; empty or tiny classes; train/val class sets that differ; heavy",
                    "class imbalance. Exit 3 if the dataset is unusable, else 0."})
    static final class Check implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        CommonOptions common;

        @Parameters(paramLabel = "DIR", description = "Dataset folder (DIR/<class>/ or DIR/train/<class>/ + DIR/val/<class>/).")
        Path dir;

        /** Defaults as in the config (data.val_fraction, data.split_seed), so the split checked is the one trained on. */
        @Option(names = "--val-fraction", paramLabel = "F", description = "For DIR/<class>/ layouts: share held out for val (default 0.2).")
        double valFraction = 0.2;

        @Option(names = "--split-seed", paramLabel = "N", description = "For DIR/<class>/ layouts: split seed (default 42).")
        long splitSeed = 42;

        @Option(names = "--json", description = "Print the report as JSON (schema tl.data-check/1).")
        boolean json;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            DataCheck.Report r = DataCheck.run(dir, valFraction, splitSeed, true);
            out.println(json ? new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r.toJson()) : r.text());
            out.flush();
            return r.usable() ? ExitCode.OK : ExitCode.DATA;
        }
    }
}

package dev.tl.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

@Command(name = "predict", mixinStandardHelpOptions = true, footer = {"", ExitCode.HELP_LIST},
        description = "Predict (not yet implemented).")
public final class PredictCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        throw new TlException(ExitCode.INTERNAL, "predict is not implemented yet");
    }
}

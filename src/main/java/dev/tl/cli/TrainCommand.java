package dev.tl.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

@Command(name = "train", mixinStandardHelpOptions = true, footer = {"", ExitCode.HELP_LIST},
        description = "Train (not yet implemented).")
public final class TrainCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        throw new TlException(ExitCode.INTERNAL, "train is not implemented yet");
    }
}

package dev.tl.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

@Command(name = "models", mixinStandardHelpOptions = true, footer = {"", ExitCode.HELP_LIST},
        description = "Models (not yet implemented).")
public final class ModelsCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        throw new TlException(ExitCode.INTERNAL, "models is not implemented yet");
    }
}

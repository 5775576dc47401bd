package dev.tl.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

@Command(name = "eval", mixinStandardHelpOptions = true, footer = {"", ExitCode.HELP_LIST},
        description = "Eval (not yet implemented).")
public final class EvalCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        throw new TlException(ExitCode.INTERNAL, "eval is not implemented yet");
    }
}

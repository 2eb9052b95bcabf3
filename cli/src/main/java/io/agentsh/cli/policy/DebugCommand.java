package io.agentsh.cli.policy;

import picocli.CommandLine.Command;

/** {@code agentsh debug ...}: diagnostics. */
@Command(name = "debug", description = "Debugging tools.", mixinStandardHelpOptions = true,
        subcommands = {PolicyTestCommand.class})
public final class DebugCommand implements Runnable {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override public void run() { spec.commandLine().usage(spec.commandLine().getOut()); }
}

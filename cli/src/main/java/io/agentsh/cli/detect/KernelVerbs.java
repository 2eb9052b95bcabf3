package io.agentsh.cli.detect;

import picocli.CommandLine;

/** Registers the kernel engineer's verbs on the root command (io.agentsh.cli.Main). */
public final class KernelVerbs {
    private KernelVerbs() {}

    public static CommandLine register(CommandLine root) {
        root.addSubcommand(new CommandLine(new DetectCommand()));
        return root;
    }
}

package io.agentsh.cli.client;

import io.agentsh.cli.server.ServerCommand;
import picocli.CommandLine;

/** Registers the daemon engineer's verbs on the root command (io.agentsh.cli.Main). */
public final class DaemonVerbs {
    private DaemonVerbs() {}

    public static CommandLine register(CommandLine root) {
        root.addSubcommand(new ServerCommand());
        root.addSubcommand(new CommandLine(new SessionCommand()));
        root.addSubcommand(new ExecCommand());
        root.addSubcommand(new KillCommand());
        root.addSubcommand(new OutputCommand());
        root.addSubcommand(new CommandLine(new EventsCommand()));
        root.addSubcommand(new CommandLine(new ApproveCommand()));
        root.addSubcommand(new CommandLine(new DebugCommand()));
        return root;
    }
}

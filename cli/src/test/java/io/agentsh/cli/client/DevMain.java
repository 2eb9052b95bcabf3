package io.agentsh.cli.client;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Development root for the daemon verbs until io.agentsh.cli.Main registers them (test scope
 * only; used by the CLI tests and bench/exec-latency.sh with AGENTSH=...).
 */
@Command(name = "agentsh", mixinStandardHelpOptions = true, version = "agentsh dev")
public final class DevMain {
    public static CommandLine root() {
        return DaemonVerbs.register(new CommandLine(new DevMain()));
    }

    public static void main(String[] args) {
        System.exit(root().execute(args));
    }
}

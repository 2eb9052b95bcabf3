package io.agentsh.cli.shim;

import picocli.CommandLine.Command;

/** {@code agentsh shim install-shell | uninstall-shell | status}. */
@Command(name = "shim", description = "Install, remove or inspect the shell shim over /bin/sh and /bin/bash.",
        subcommands = {InstallShellCommand.class, UninstallShellCommand.class, ShimStatusCommand.class},
        mixinStandardHelpOptions = true)
public final class ShimCommand {
}

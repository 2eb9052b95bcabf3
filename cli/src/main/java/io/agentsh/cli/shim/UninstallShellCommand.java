package io.agentsh.cli.shim;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "uninstall-shell", description = "Put the original /bin/sh (and /bin/bash with --bash) back.")
final class UninstallShellCommand extends ShellChangeCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        return run(() -> {
            RootPaths r = acknowledgedRoot();
            ShellShimInstaller installer = new ShellShimInstaller(r);
            return printOrApply("shim uninstall-shell", r, null, installer, installer.planUninstall(shells(r)));
        });
    }
}

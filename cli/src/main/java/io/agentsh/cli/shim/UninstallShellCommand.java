package io.agentsh.cli.shim;

import java.util.List;
import java.util.concurrent.Callable;
import io.agentsh.cli.guard.OperatorCredential;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "uninstall-shell", description = "Put the original /bin/sh (and /bin/bash with --bash) back.")
final class UninstallShellCommand extends ShimOptions implements Callable<Integer> {

    @Option(names = "--dry-run", description = "Print the plan, change nothing.")
    boolean dryRun;

    @Mixin
    OperatorCredential operator;

    @Option(names = HOST_ACK_FLAG, description = "Required to change the shells of this machine (--root /).")
    boolean ack;

    @Override
    public Integer call() {
        return run(() -> {
            RootPaths r = rootPaths();
            List<ShellTarget> shells = shells(r);
            requireHostAck(r, dryRun, ack);
            ShellShimInstaller installer = new ShellShimInstaller(r);
            List<PlanAction> plan = installer.planUninstall(shells);
            if (dryRun) {
                printPlan(r, null, plan);
            } else {
                // Changing the shells weakens governance: inside a session only with the operator credential.
                Integer refused = operator.refusal("shim uninstall-shell", err());
                if (refused != null) return refused;
                installer.apply(plan);
            }
            return 0;
        });
    }
}

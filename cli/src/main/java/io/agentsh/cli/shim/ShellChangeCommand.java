package io.agentsh.cli.shim;

import io.agentsh.cli.guard.OperatorCredential;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What install-shell and uninstall-shell share: they change the machine's shells, so they take
 * --dry-run and the host acknowledgement, and, inside a governed session, the operator credential.
 */
abstract class ShellChangeCommand extends ShimOptions {

    @Option(names = "--dry-run", description = "Print the plan, change nothing.")
    boolean dryRun;

    @Mixin
    OperatorCredential operator;

    @Option(names = HOST_ACK_FLAG, description = "Required to change the shells of this machine (--root /).")
    boolean ack;

    /** The root paths, after checking the host acknowledgement this invocation needs. */
    RootPaths acknowledgedRoot() throws java.io.IOException {
        RootPaths r = rootPaths();
        requireHostAck(r, dryRun, ack);
        return r;
    }

    /** Prints the plan (--dry-run) or applies it once the operator guard lets {@code verb} through. */
    int printOrApply(String verb, RootPaths r, String shim, ShellShimInstaller installer, List<PlanAction> plan)
            throws java.io.IOException {
        if (dryRun) {
            printPlan(r, shim, plan);
            return 0;
        }
        // Changing the shells weakens governance: inside a session only with the operator credential.
        Integer refused = operator.refusal(verb, err());
        if (refused != null) return refused;
        installer.apply(plan);
        return 0;
    }
}

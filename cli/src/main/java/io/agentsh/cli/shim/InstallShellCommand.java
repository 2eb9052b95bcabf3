package io.agentsh.cli.shim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import io.agentsh.cli.guard.OperatorCredential;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "install-shell", description = "Install the shell shim over /bin/sh (and /bin/bash with --bash).")
final class InstallShellCommand extends ShimOptions implements Callable<Integer> {

    @Option(names = "--shim", description = "Path of the agentsh-shell-shim binary (required).")
    String shim;

    @Option(names = "--force", description = "Enforce for non-interactive callers too (force=true in shim.conf).")
    boolean force;

    @Option(names = "--dry-run", description = "Print the plan, change nothing.")
    boolean dryRun;

    @Mixin
    OperatorCredential operator;

    @Option(names = HOST_ACK_FLAG, description = "Required to change the shells of this machine (--root /).")
    boolean ack;

    @Override
    public Integer call() {
        return run(() -> {
            if (shim == null || shim.isEmpty()) {
                throw new UsageError("--shim is required");
            }
            RootPaths r = rootPaths();
            List<ShellTarget> shells = shells(r);
            requireHostAck(r, dryRun, ack);
            byte[] bytes = readShim(Path.of(shim));
            ShellShimInstaller installer = new ShellShimInstaller(r);
            List<PlanAction> plan = installer.planInstall(bytes, shells, force);
            if (dryRun) {
                printPlan(r, shim, plan);
            } else {
                // Changing the shells weakens governance: inside a session only with the operator credential.
                Integer refused = operator.refusal("shim install-shell", err());
                if (refused != null) return refused;
                installer.apply(plan);
            }
            return 0;
        });
    }

    private static byte[] readShim(Path p) throws IOException {
        if (!Files.isRegularFile(p)) {
            throw new UsageError("--shim " + p + ": not a regular file");
        }
        byte[] b = Files.readAllBytes(p);
        if (b.length < 4 || b[0] != 0x7f || b[1] != 'E' || b[2] != 'L' || b[3] != 'F') {
            throw new UsageError("--shim " + p + ": not an ELF executable");
        }
        return b;
    }
}

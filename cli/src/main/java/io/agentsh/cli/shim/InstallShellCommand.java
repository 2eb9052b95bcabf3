package io.agentsh.cli.shim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "install-shell", description = "Install the shell shim over /bin/sh (and /bin/bash with --bash).")
final class InstallShellCommand extends ShellChangeCommand implements Callable<Integer> {

    @Option(names = "--shim", description = "Path of the agentsh-shell-shim binary (required).")
    String shim;

    @Option(names = "--force", description = "Enforce for non-interactive callers too (force=true in shim.conf).")
    boolean force;

    @Override
    public Integer call() {
        return run(() -> {
            if (shim == null || shim.isEmpty()) {
                throw new UsageError("--shim is required");
            }
            RootPaths r = acknowledgedRoot();
            byte[] bytes = readShim(Path.of(shim));
            ShellShimInstaller installer = new ShellShimInstaller(r);
            return printOrApply("shim install-shell", r, shim, installer, installer.planInstall(bytes, shells(r), force));
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

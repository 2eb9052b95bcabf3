package io.agentsh.core.kernel.supervisor;

import java.util.List;

/**
 * A deliberately small policy for tests that exercise the mechanism rather than the engine:
 * everything is allowed except mutations under {@code deniedDir}, any access to
 * {@code secretDir}, and exec of a binary named {@code sudo}.
 */
record StandInPolicy(String deniedDir, String secretDir) implements KernelPolicy {
    @Override
    public KernelVerdict checkFile(String path, FileAccess op) {
        if (under(path, secretDir)) return KernelVerdict.deny("deny-secret", "");
        if (op.mutates() && under(path, deniedDir)) return KernelVerdict.deny("deny-standin", "");
        return KernelVerdict.ALLOW;
    }

    @Override
    public KernelVerdict checkExecve(String filename, List<String> argv, int depth) {
        return filename.endsWith("/sudo") ? KernelVerdict.deny("block-sudo", "") : KernelVerdict.ALLOW;
    }

    private static boolean under(String path, String dir) {
        return path.equals(dir) || path.startsWith(dir + "/");
    }
}

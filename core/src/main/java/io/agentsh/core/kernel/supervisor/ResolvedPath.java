package io.agentsh.core.kernel.supervisor;

/**
 * A tracee path resolved the way the kernel would resolve it, from the supervisor's side.
 *
 * @param real       absolute, normalised, symlink-free path under the tracee's root: what the
 *                   supervisor acts on (opened with RESOLVE_NO_SYMLINKS, so a path swapped for a
 *                   symlink after the check fails instead of redirecting)
 * @param policyPath the same path as the policy sees it: {@code /proc/<own pid>/...} becomes
 *                   {@code /proc/self/...}
 * @param exists     whether the final component existed at resolution time
 * @param mode       st_mode of the final component (lstat), 0 when it does not exist
 * @param procLink   the final component is a /proc magic link to something without a path
 *                   (pipe, socket, anon inode): it can only be reopened through /proc
 * @param ownAnon    procLink to the tracee's own pipe/socket/anon inode: reopening what it
 *                   already holds, so no file policy applies (the reference's pseudo paths)
 * @param errno      non-zero when resolution failed the way the syscall would (ENOENT, ELOOP...)
 */
public record ResolvedPath(String real, String policyPath, boolean exists, int mode, boolean procLink, boolean ownAnon, int errno) {

    static ResolvedPath failed(int errno) {
        return new ResolvedPath(null, null, false, 0, false, false, errno);
    }

    public boolean ok() {
        return errno == 0;
    }

    public boolean isDirectory() {
        return (mode & io.agentsh.core.kernel.sys.FsCalls.S_IFMT) == io.agentsh.core.kernel.sys.FsCalls.S_IFDIR;
    }

    public boolean isFifo() {
        return (mode & io.agentsh.core.kernel.sys.FsCalls.S_IFMT) == io.agentsh.core.kernel.sys.FsCalls.S_IFIFO;
    }

    public boolean isSymlink() {
        return (mode & io.agentsh.core.kernel.sys.FsCalls.S_IFMT) == io.agentsh.core.kernel.sys.FsCalls.S_IFLNK;
    }

    /** Path relative to the root fd ("." for the root itself). */
    public String relative() {
        return relative(real);
    }

    static String relative(String abs) {
        return abs.equals("/") ? "." : abs.substring(1);
    }

    public String parent() {
        int i = real.lastIndexOf('/');
        return i <= 0 ? "/" : real.substring(0, i);
    }

    public String name() {
        return real.substring(real.lastIndexOf('/') + 1);
    }
}

package io.agentsh.core.kernel.supervisor;

import io.agentsh.core.kernel.sys.Errno;
import io.agentsh.core.kernel.sys.FsCalls;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Resolves a path argument of a trapped syscall to the object the kernel would use: relative
 * paths against the tracee's cwd or dirfd, {@code .} and {@code ..}, symlinks (at most 40, like
 * the kernel), and {@code /proc/self}, {@code /proc/thread-self} as the tracee's own pid, not
 * the supervisor's. Every lookup goes through the tracee's root fd.
 *
 * <p>Magic links under {@code /proc/<pid>/} (fd/N, cwd, root, exe) are followed only for the
 * tracee's own pid or tid and only when they name a path; another process's magic links are
 * left as they are, so the policy sees {@code /proc/<pid>/fd/N} and decides on that.
 */
final class TraceeResolver {
    private static final int MAX_LINKS = 40;
    private final FsCalls fs;
    private final int rootFd;

    TraceeResolver(FsCalls fs, int rootFd) {
        this.fs = fs;
        this.rootFd = rootFd;
    }

    /** The tracee's identity while one notification is handled. */
    interface Tracee {
        int tid();
        int tgid();
        /** readlink /proc/TID/cwd, or null. */
        String cwd();
        /** readlink /proc/TID/fd/N when it names a path, or null. */
        String fdPath(int fd);
        /** The tgid in the tracee's own PID namespace (its /proc's numbering). */
        default int procTgid() { return tgid(); }
        /** The tid in the tracee's own PID namespace. */
        default int procTid() { return tid(); }
    }

    ResolvedPath resolve(Tracee t, int dirfd, String raw, boolean followFinal) {
        if (raw == null) return ResolvedPath.failed(Errno.EFAULT);
        if (raw.isEmpty()) return ResolvedPath.failed(Errno.ENOENT);
        String base;
        if (raw.startsWith("/")) {
            base = "";
        } else {
            base = dirfd == FsCalls.AT_FDCWD ? t.cwd() : t.fdPath(dirfd);
            if (base == null) return ResolvedPath.failed(dirfd == FsCalls.AT_FDCWD ? Errno.ENOENT : Errno.EBADF);
        }
        return walk(t, base + "/" + raw, followFinal || raw.endsWith("/"));
    }

    /** Resolves an fd itself (AT_EMPTY_PATH / fexecve): the path it names, not followed further. */
    ResolvedPath resolveFd(Tracee t, int fd) {
        String p = t.fdPath(fd);
        return p == null ? ResolvedPath.failed(Errno.EBADF) : walk(t, p, false);
    }

    private ResolvedPath walk(Tracee t, String abs, boolean followFinal) {
        Deque<String> todo = new ArrayDeque<>(split(abs));
        List<String> done = new ArrayList<>();
        int links = 0;
        int mode = 0;
        boolean exists = true;
        boolean procLink = false;
        boolean ownAnon = false;
        while (!todo.isEmpty()) {
            String c = todo.pollFirst();
            if (c.isEmpty() || c.equals(".")) continue;
            if (c.equals("..")) {
                if (!done.isEmpty()) done.removeLast();
                continue;
            }
            if (done.size() == 1 && done.getFirst().equals("proc")) {
                // Through the tracee's root its /proc is seen: numbered in its own PID namespace.
                if (c.equals("self")) {
                    c = Integer.toString(t.procTgid());
                } else if (c.equals("thread-self")) {
                    todo.addFirst(Integer.toString(t.procTid()));
                    todo.addFirst("task");
                    c = Integer.toString(t.procTgid());
                }
            }
            boolean last = todo.isEmpty();
            String candidate = join(done, c);
            long m = fs.statMode(rootFd, ResolvedPath.relative(candidate), FsCalls.AT_SYMLINK_NOFOLLOW);
            if (m < 0) {
                if (m == -Errno.ENOENT && last) {
                    done.add(c);
                    exists = false;
                    mode = 0;
                    break;
                }
                return ResolvedPath.failed((int) -m);
            }
            mode = (int) m;
            boolean isLink = (mode & FsCalls.S_IFMT) == FsCalls.S_IFLNK;
            if (isLink && (!last || followFinal)) {
                if (++links > MAX_LINKS) return ResolvedPath.failed(Errno.ELOOP);
                String target = fs.readlinkat(rootFd, ResolvedPath.relative(candidate));
                if (target == null) return ResolvedPath.failed(Errno.ENOENT);
                int owner = procOwner(done);
                if (owner != 0) {
                    // A magic link: follow only the tracee's own, and only when it names a path.
                    boolean own = owner == t.procTgid() || owner == t.procTid();
                    if (!own || !target.startsWith("/") || target.endsWith(" (deleted)")) {
                        if (!last) return ResolvedPath.failed(own ? Errno.ENOTDIR : Errno.EACCES);
                        done.add(c);
                        procLink = true;
                        ownAnon = own && !target.startsWith("/");
                        break;
                    }
                }
                if (target.startsWith("/")) done.clear();
                List<String> parts = split(target);
                for (int i = parts.size() - 1; i >= 0; i--) todo.addFirst(parts.get(i));
                continue;
            }
            if (!last && (mode & FsCalls.S_IFMT) != FsCalls.S_IFDIR) return ResolvedPath.failed(Errno.ENOTDIR);
            done.add(c);
        }
        String real = join(done, null);
        return new ResolvedPath(real, policyView(real, t), exists, mode, procLink, ownAnon, 0);
    }

    /** The pid when {@code dir} is /proc/<pid>/... (magic-link territory), else 0. */
    private static int procOwner(List<String> dir) {
        if (dir.size() < 2 || !dir.getFirst().equals("proc")) return 0;
        String pid = dir.get(1);
        for (int i = 0; i < pid.length(); i++) if (!Character.isDigit(pid.charAt(i))) return 0;
        try {
            return Integer.parseInt(pid);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** /proc/<tgid>/task/<tid>/x -> /proc/thread-self/x; /proc/<tgid or tid>/x -> /proc/self/x. */
    static String policyView(String real, Tracee t) {
        if (!real.startsWith("/proc/")) return real;
        String tg = "/proc/" + t.procTgid();
        String threadDir = tg + "/task/" + t.procTid();
        if (real.equals(threadDir) || real.startsWith(threadDir + "/")) return "/proc/thread-self" + real.substring(threadDir.length());
        if (real.equals(tg) || real.startsWith(tg + "/")) return "/proc/self" + real.substring(tg.length());
        String td = "/proc/" + t.procTid();
        if (real.equals(td) || real.startsWith(td + "/")) return "/proc/self" + real.substring(td.length());
        return real;
    }

    private static List<String> split(String p) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= p.length(); i++) {
            if (i == p.length() || p.charAt(i) == '/') {
                if (i > start) out.add(p.substring(start, i));
                start = i + 1;
            }
        }
        return out;
    }

    private static String join(List<String> parts, String extra) {
        StringBuilder sb = new StringBuilder();
        for (String s : parts) sb.append('/').append(s);
        if (extra != null) sb.append('/').append(extra);
        return sb.isEmpty() ? "/" : sb.toString();
    }
}

package io.agentsh.core.pty;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.byref.IntByReference;

/**
 * Starts a command on a pty's slave with posix_spawn: the child opens the slave (O_NOCTTY) as fd 0
 * and dups it to 1 and 2, changes to the working directory and closes every other inherited fd.
 * The child stays in the daemon's session here; the program it runs first ({@code setsid --ctty}
 * or the exec wrapper with {@code --ctty}) makes it a session leader and takes the slave as its
 * controlling terminal (TIOCSCTTY on fd 0). Signal mask and dispositions are reset to defaults.
 */
public final class PtySpawner {
    private static final PtyLibC C = PtyLibC.INSTANCE;
    private static final Runtime RT = Runtime.getRuntime(C);

    private PtySpawner() {}

    /** The child's pid. argv.get(0) must be an absolute path. */
    public static long spawn(List<String> argv, Map<String, String> env, Path cwd, String slavePath) throws IOException {
        if (argv.isEmpty() || !argv.getFirst().startsWith("/")) throw new IOException("spawn: need an absolute program path");
        Pointer fa = Memory.allocateDirect(RT, PtyLibC.SPAWN_STRUCT_BYTES, true);
        Pointer attr = Memory.allocateDirect(RT, PtyLibC.SPAWN_STRUCT_BYTES, true);
        check(C.posix_spawn_file_actions_init(fa), "posix_spawn_file_actions_init");
        try {
            check(C.posix_spawnattr_init(attr), "posix_spawnattr_init");
            try {
                check(C.posix_spawn_file_actions_addopen(fa, 0, slavePath, PtyLibC.O_RDWR | PtyLibC.O_NOCTTY, 0),
                        "addopen " + slavePath);
                check(C.posix_spawn_file_actions_adddup2(fa, 0, 1), "adddup2");
                check(C.posix_spawn_file_actions_adddup2(fa, 0, 2), "adddup2");
                // Nothing of the daemon's (sockets, the pty master, store files) reaches the command.
                check(C.posix_spawn_file_actions_addclosefrom_np(fa, 3), "addclosefrom_np");
                if (cwd != null) check(C.posix_spawn_file_actions_addchdir_np(fa, cwd.toString()), "addchdir_np " + cwd);
                Pointer empty = Memory.allocateDirect(RT, PtyLibC.SIGSET_BYTES, true);
                Pointer all = Memory.allocateDirect(RT, PtyLibC.SIGSET_BYTES, true);
                all.putLong(0, -1L); // signals 1..64 back to SIG_DFL (KILL/STOP are skipped by libc)
                check(C.posix_spawnattr_setsigmask(attr, empty), "setsigmask");
                check(C.posix_spawnattr_setsigdefault(attr, all), "setsigdefault");
                check(C.posix_spawnattr_setflags(attr,
                        (short) (PtyLibC.POSIX_SPAWN_SETSIGMASK | PtyLibC.POSIX_SPAWN_SETSIGDEF)), "setflags");
                String[] envp = new String[env.size()];
                int i = 0;
                for (Map.Entry<String, String> e : env.entrySet()) envp[i++] = e.getKey() + "=" + e.getValue();
                IntByReference pid = new IntByReference();
                int rc = C.posix_spawn(pid, argv.getFirst(), fa, attr, argv.toArray(String[]::new), envp);
                if (rc != 0) throw new IOException("posix_spawn " + argv.getFirst() + ": " + C.strerror(rc));
                return pid.intValue();
            } finally {
                C.posix_spawnattr_destroy(attr);
            }
        } finally {
            C.posix_spawn_file_actions_destroy(fa);
        }
    }

    private static void check(int rc, String what) throws IOException {
        if (rc != 0) throw new IOException(what + ": " + C.strerror(rc));
    }

    /**
     * Blocks until the child ends: its exit status, or 128+signal (as {@link Process#exitValue}).
     * Only this thread may wait for the pid.
     */
    public static int waitFor(long pid) throws IOException {
        IntByReference status = new IntByReference();
        while (true) {
            int r = C.waitpid((int) pid, status, 0);
            if (r == pid) break;
            int e = PtyLibC.errno();
            if (r < 0 && e == PtyLibC.EINTR) continue;
            throw new IOException("waitpid " + pid + ": " + C.strerror(e));
        }
        int st = status.intValue();
        int sig = st & 0x7f;
        return sig == 0 ? (st >> 8) & 0xff : 128 + sig;
    }
}

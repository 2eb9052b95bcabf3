package io.agentsh.core.kernel.landlock;

import io.agentsh.core.kernel.sys.LinuxSyscalls;
import io.agentsh.core.kernel.sys.SyscallNumbers;

/**
 * Landlock ABI versions and the rights each adds (landlock(7)). The version is asked of the
 * kernel (LANDLOCK_CREATE_RULESET_VERSION), never guessed from a mask probe.
 */
public final class LandlockAbi {
    public static final long FS_EXECUTE = 1L, FS_WRITE_FILE = 1L << 1, FS_READ_FILE = 1L << 2, FS_READ_DIR = 1L << 3;
    public static final long FS_REMOVE_DIR = 1L << 4, FS_REMOVE_FILE = 1L << 5, FS_MAKE_CHAR = 1L << 6;
    public static final long FS_MAKE_DIR = 1L << 7, FS_MAKE_REG = 1L << 8, FS_MAKE_SOCK = 1L << 9;
    public static final long FS_MAKE_FIFO = 1L << 10, FS_MAKE_BLOCK = 1L << 11, FS_MAKE_SYM = 1L << 12;
    /** ABI 2 */
    public static final long FS_REFER = 1L << 13;
    /** ABI 3 */
    public static final long FS_TRUNCATE = 1L << 14;
    /** ABI 5 */
    public static final long FS_IOCTL_DEV = 1L << 15;
    /** ABI 4 */
    public static final long NET_BIND_TCP = 1L, NET_CONNECT_TCP = 1L << 1;
    /** ABI 6 */
    public static final long SCOPE_ABSTRACT_UNIX_SOCKET = 1L, SCOPE_SIGNAL = 1L << 1;

    public static final long FS_READ = FS_READ_FILE | FS_READ_DIR;
    /** Rights that only apply to files (a rule on a non-directory may carry only these). */
    public static final long FS_FILE_ONLY = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV;

    private static final int CREATE_RULESET_VERSION = 1;

    private LandlockAbi() {}

    /** The kernel's Landlock ABI version, 0 when Landlock is absent or disabled. */
    public static int probe() {
        long r = LinuxSyscalls.call(SyscallNumbers.LANDLOCK_CREATE_RULESET, 0, 0, CREATE_RULESET_VERSION);
        return r < 0 ? 0 : (int) r;
    }

    /** Every file-system right the given ABI knows. */
    public static long fsRights(int abi) {
        if (abi <= 0) return 0;
        long m = (1L << 13) - 1;
        if (abi >= 2) m |= FS_REFER;
        if (abi >= 3) m |= FS_TRUNCATE;
        if (abi >= 5) m |= FS_IOCTL_DEV;
        return m;
    }

    public static long netRights(int abi) {
        return abi >= 4 ? NET_BIND_TCP | NET_CONNECT_TCP : 0;
    }

    public static long scopes(int abi) {
        return abi >= 6 ? SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL : 0;
    }
}

package io.agentsh.core.kernel.sys;

import java.util.Map;
import java.util.TreeMap;

/**
 * x86_64 syscall numbers (arch/x86/entry/syscalls/syscall_64.tbl). The filter refuses every
 * other architecture and the x32 ABI, so these are the only numbers a governed process can use.
 */
public final class SyscallNumbers {
    public static final int READ = 0, WRITE = 1, OPEN = 2, CLOSE = 3, IOCTL = 16, PREAD64 = 17;
    public static final int SOCKET = 41, CONNECT = 42, SENDMSG = 46, RECVMSG = 47, BIND = 49, LISTEN = 50;
    public static final int SOCKETPAIR = 53, GETSOCKOPT = 55, CLONE = 56, FORK = 57, VFORK = 58, EXECVE = 59;
    public static final int KILL = 62, FCNTL = 72, TRUNCATE = 76, FTRUNCATE = 77;
    public static final int RENAME = 82, MKDIR = 83, RMDIR = 84, CREAT = 85, LINK = 86, UNLINK = 87;
    public static final int SYMLINK = 88, READLINK = 89, CHMOD = 90, FCHMOD = 91, CHOWN = 92, FCHOWN = 93;
    public static final int LCHOWN = 94, UMASK = 95, PTRACE = 101, SETFSUID = 122, SETFSGID = 123;
    public static final int RT_SIGQUEUEINFO = 129, MKNOD = 133, USELIB = 134, PERSONALITY = 135;
    public static final int PIVOT_ROOT = 155, PRCTL = 157, ADJTIMEX = 159, CHROOT = 161, ACCT = 163;
    public static final int SETTIMEOFDAY = 164, MOUNT = 165, UMOUNT2 = 166, SWAPON = 167, SWAPOFF = 168;
    public static final int REBOOT = 169, SETHOSTNAME = 170, SETDOMAINNAME = 171, IOPL = 172, IOPERM = 173;
    public static final int INIT_MODULE = 175, DELETE_MODULE = 176, TKILL = 200, TGKILL = 234;
    public static final int CLOCK_SETTIME = 227, KEXEC_LOAD = 246, ADD_KEY = 248, REQUEST_KEY = 249;
    public static final int KEYCTL = 250, OPENAT = 257, MKDIRAT = 258, MKNODAT = 259, FCHOWNAT = 260;
    public static final int NEWFSTATAT = 262, UNLINKAT = 263, RENAMEAT = 264, LINKAT = 265, SYMLINKAT = 266;
    public static final int READLINKAT = 267, FCHMODAT = 268, FACCESSAT = 269, UNSHARE = 272;
    public static final int ACCEPT4 = 288, RT_TGSIGQUEUEINFO = 297, PERF_EVENT_OPEN = 298;
    public static final int CLOCK_ADJTIME = 305, SETNS = 308, PROCESS_VM_READV = 310, PROCESS_VM_WRITEV = 311;
    public static final int FINIT_MODULE = 313, RENAMEAT2 = 316, SECCOMP = 317, BPF = 321, EXECVEAT = 322;
    public static final int USERFAULTFD = 323, KEXEC_FILE_LOAD = 320, PIDFD_SEND_SIGNAL = 424;
    public static final int IO_URING_SETUP = 425, IO_URING_ENTER = 426, IO_URING_REGISTER = 427;
    public static final int OPEN_TREE = 428, MOVE_MOUNT = 429, FSOPEN = 430, FSCONFIG = 431, FSMOUNT = 432;
    public static final int FSPICK = 433, PIDFD_OPEN = 434, CLONE3 = 435, OPENAT2 = 437, PIDFD_GETFD = 438;
    public static final int OPEN_BY_HANDLE_AT = 304, NAME_TO_HANDLE_AT = 303;
    public static final int MOUNT_SETATTR = 442, LANDLOCK_CREATE_RULESET = 444, LANDLOCK_ADD_RULE = 445;
    public static final int LANDLOCK_RESTRICT_SELF = 446, FCHMODAT2 = 452;

    private static final Map<String, Integer> BY_NAME = new TreeMap<>();
    private static final Map<Integer, String> BY_NUMBER = new TreeMap<>();

    static {
        Object[] table = {
            "read", READ, "write", WRITE, "open", OPEN, "close", CLOSE, "ioctl", IOCTL, "socket", SOCKET,
            "connect", CONNECT, "bind", BIND, "listen", LISTEN, "clone", CLONE, "fork", FORK, "vfork", VFORK,
            "execve", EXECVE, "kill", KILL, "truncate", TRUNCATE, "ftruncate", FTRUNCATE, "rename", RENAME,
            "mkdir", MKDIR, "rmdir", RMDIR, "creat", CREAT, "link", LINK, "unlink", UNLINK, "symlink", SYMLINK,
            "readlink", READLINK, "chmod", CHMOD, "fchmod", FCHMOD, "chown", CHOWN, "fchown", FCHOWN,
            "lchown", LCHOWN, "umask", UMASK, "ptrace", PTRACE, "rt_sigqueueinfo", RT_SIGQUEUEINFO,
            "mknod", MKNOD, "uselib", USELIB, "personality", PERSONALITY, "pivot_root", PIVOT_ROOT,
            "prctl", PRCTL, "adjtimex", ADJTIMEX, "chroot", CHROOT, "acct", ACCT, "settimeofday", SETTIMEOFDAY,
            "mount", MOUNT, "umount2", UMOUNT2, "swapon", SWAPON, "swapoff", SWAPOFF, "reboot", REBOOT,
            "sethostname", SETHOSTNAME, "setdomainname", SETDOMAINNAME, "iopl", IOPL, "ioperm", IOPERM,
            "init_module", INIT_MODULE, "delete_module", DELETE_MODULE, "tkill", TKILL, "tgkill", TGKILL,
            "clock_settime", CLOCK_SETTIME, "kexec_load", KEXEC_LOAD, "add_key", ADD_KEY,
            "request_key", REQUEST_KEY, "keyctl", KEYCTL, "openat", OPENAT, "mkdirat", MKDIRAT,
            "mknodat", MKNODAT, "fchownat", FCHOWNAT, "newfstatat", NEWFSTATAT, "unlinkat", UNLINKAT,
            "renameat", RENAMEAT, "linkat", LINKAT, "symlinkat", SYMLINKAT, "readlinkat", READLINKAT,
            "fchmodat", FCHMODAT, "faccessat", FACCESSAT, "unshare", UNSHARE,
            "rt_tgsigqueueinfo", RT_TGSIGQUEUEINFO, "perf_event_open", PERF_EVENT_OPEN,
            "clock_adjtime", CLOCK_ADJTIME, "setns", SETNS, "process_vm_readv", PROCESS_VM_READV,
            "process_vm_writev", PROCESS_VM_WRITEV, "finit_module", FINIT_MODULE, "renameat2", RENAMEAT2,
            "seccomp", SECCOMP, "bpf", BPF, "execveat", EXECVEAT, "userfaultfd", USERFAULTFD,
            "kexec_file_load", KEXEC_FILE_LOAD, "pidfd_send_signal", PIDFD_SEND_SIGNAL,
            "io_uring_setup", IO_URING_SETUP, "io_uring_enter", IO_URING_ENTER,
            "io_uring_register", IO_URING_REGISTER, "open_tree", OPEN_TREE, "move_mount", MOVE_MOUNT,
            "fsopen", FSOPEN, "fsconfig", FSCONFIG, "fsmount", FSMOUNT, "fspick", FSPICK,
            "pidfd_open", PIDFD_OPEN, "clone3", CLONE3, "openat2", OPENAT2, "pidfd_getfd", PIDFD_GETFD,
            "mount_setattr", MOUNT_SETATTR, "landlock_create_ruleset", LANDLOCK_CREATE_RULESET,
            "landlock_add_rule", LANDLOCK_ADD_RULE, "landlock_restrict_self", LANDLOCK_RESTRICT_SELF,
            "fchmodat2", FCHMODAT2, "open_by_handle_at", OPEN_BY_HANDLE_AT, "name_to_handle_at", NAME_TO_HANDLE_AT,
        };
        for (int i = 0; i < table.length; i += 2) {
            BY_NAME.put((String) table[i], (Integer) table[i + 1]);
            BY_NUMBER.put((Integer) table[i + 1], (String) table[i]);
        }
    }

    private SyscallNumbers() {}

    /** The number for a syscall name, or -1 when this table does not know it. */
    public static int number(String name) {
        Integer n = BY_NAME.get(name);
        return n == null ? -1 : n;
    }

    public static String name(int nr) {
        String n = BY_NUMBER.get(nr);
        return n == null ? "syscall_" + nr : n;
    }
}

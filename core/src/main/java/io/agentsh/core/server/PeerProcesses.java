package io.agentsh.core.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/** Reads /proc to learn about the process at the other end of a connection. */
public final class PeerProcesses {
    private PeerProcesses() {}

    /**
     * Readers of /proc/PID/stat with their own direct buffers, lent out per call: every shim
     * request walks its caller's ancestors here, on a virtual thread of its own (a thread-local
     * reader would be made, and its native buffer left to the GC, once per request).
     */
    private static final java.util.concurrent.ConcurrentLinkedQueue<io.agentsh.core.kernel.sys.ProcFiles> READERS =
            new java.util.concurrent.ConcurrentLinkedQueue<>();

    /** Fields {@code indexes} (0 = state, as ProcFiles.statField) of /proc/PID/stat, or null when the process is gone. */
    private static long[] statFields(long pid, int... indexes) {
        io.agentsh.core.kernel.sys.ProcFiles r = READERS.poll();
        try {
            if (r == null) r = new io.agentsh.core.kernel.sys.ProcFiles();
            if (pid <= 0 || pid > Integer.MAX_VALUE || !r.read((int) pid, "stat")) return null;
            long[] out = new long[indexes.length];
            for (int i = 0; i < indexes.length; i++) {
                out[i] = r.statField(indexes[i]);
                if (out[i] < 0) return null;
            }
            return out;
        } catch (LinkageError | RuntimeException e) {
            return statFieldsSlowly(pid, indexes);
        } finally {
            if (r != null && READERS.size() < 16) READERS.offer(r);
        }
    }

    /** The same through java.nio (where the native reader is unavailable). */
    private static long[] statFieldsSlowly(long pid, int... indexes) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long[] out = new long[indexes.length];
            for (int i = 0; i < indexes.length; i++) out[i] = Long.parseLong(f[indexes[i]].trim());
            return out;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Parent pid and session id from /proc/PID/stat, or null when the process is gone. */
    public static long[] ppidAndSid(long pid) {
        // after ')': 0 = state, 1 = ppid, 2 = pgrp, 3 = session
        return statFields(pid, 1, 3);
    }

    /** Start time (clock ticks since boot, /proc/PID/stat field 22), or -1 when the process is gone. */
    public static long startTime(long pid) {
        long[] f = statFields(pid, 19);
        return f == null ? -1 : f[0];
    }

    /**
     * The pid owning the loopback TCP connection whose local end is {@code clientPort} and remote
     * end {@code serverPort}, or -1. Used to refuse approvals from processes inside a session when
     * they come over TCP (the unix socket gives SO_PEERCRED directly).
     */
    public static int tcpClientPid(int clientPort, int serverPort) {
        long inode = -1;
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            inode = findInode(Path.of(table), clientPort, serverPort);
            if (inode > 0) break;
        }
        if (inode <= 0) return -1;
        String target = "socket:[" + inode + "]";
        try (var procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().chars()
                .allMatch(Character::isDigit))) {
            for (Path proc : procs) {
                try (var fds = Files.newDirectoryStream(proc.resolve("fd"))) {
                    for (Path fd : fds) {
                        try {
                            if (Files.readSymbolicLink(fd).toString().equals(target)) {
                                return Integer.parseInt(proc.getFileName().toString());
                            }
                        } catch (IOException ignored) {
                            // fd closed meanwhile
                        }
                    }
                } catch (IOException ignored) {
                    // process gone or not ours to read
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    private static long findInode(Path table, int localPort, int remotePort) {
        String lp = ":" + String.format("%04X", localPort);
        String rp = ":" + String.format("%04X", remotePort);
        try {
            List<String> lines = Files.readAllLines(table);
            for (int i = 1; i < lines.size(); i++) {
                String[] f = lines.get(i).trim().split("\\s+");
                if (f.length > 9 && f[1].toUpperCase(Locale.ROOT).endsWith(lp)
                        && f[2].toUpperCase(Locale.ROOT).endsWith(rp)) {
                    return Long.parseLong(f[9]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}

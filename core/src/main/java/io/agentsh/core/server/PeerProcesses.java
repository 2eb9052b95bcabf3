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

    /** Parent pid and session id from /proc/PID/stat, or null when the process is gone. */
    public static long[] ppidAndSid(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            int close = stat.lastIndexOf(')');
            String[] f = stat.substring(close + 2).split(" ");
            // f[0]=state f[1]=ppid f[2]=pgrp f[3]=session
            return new long[] {Long.parseLong(f[1]), Long.parseLong(f[3])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Start time (clock ticks since boot, /proc/PID/stat field 22), or -1 when the process is gone. */
    public static long startTime(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[19]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
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

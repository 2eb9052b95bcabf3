package io.agentsh.core.cgroup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * File access to a cgroup filesystem. Interface files are written with one write(2) each (the
 * kernel parses a write as a unit) and errors name the file and the value. Directory creation
 * and removal are separate so tests can stand in a plain directory tree for cgroupfs (where
 * mkdir populates interface files and rmdir removes a directory that still lists them).
 */
public class CgroupFs {
    public static final CgroupFs REAL = new CgroupFs();

    public void mkdir(Path dir) throws IOException {
        Files.createDirectory(dir);
    }

    public void rmdir(Path dir) throws IOException {
        Files.delete(dir);
    }

    public void write(Path file, String value) throws IOException {
        try {
            Files.write(file, value.getBytes(StandardCharsets.US_ASCII), StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new IOException("cannot write \"" + value + "\" to " + file + ": " + reason(e), e);
        }
    }

    /** The file's content trimmed, or null when it does not exist or cannot be read. */
    public String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            return null;
        }
    }

    /** A number file ("max" and unreadable give -1). */
    public long readLong(Path file) {
        String s = read(file);
        if (s == null || s.isEmpty() || s.equals("max")) return -1;
        try {
            return Long.parseLong(s.split("\\s+")[0]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The value of {@code key} in a flat-keyed file ("key value" lines: memory.events, cpu.stat, ...), or -1. */
    public long readKeyed(Path file, String key) {
        String s = read(file);
        if (s == null) return -1;
        for (String line : s.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 2 && f[0].equals(key)) {
                try {
                    return Long.parseLong(f[1]);
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    /** The pids listed in cgroup.procs (or tasks). */
    public List<Long> pids(Path file) {
        List<Long> out = new ArrayList<>();
        String s = read(file);
        if (s == null || s.isEmpty()) return out;
        for (String line : s.split("\n")) {
            try {
                out.add(Long.parseLong(line.trim()));
            } catch (NumberFormatException ignored) {
                // not a pid line
            }
        }
        return out;
    }

    public boolean exists(Path p) {
        return Files.exists(p);
    }

    static String reason(IOException e) {
        if (e instanceof NoSuchFileException) return "no such file (controller not enabled here?)";
        String m = e.getMessage();
        int i = m == null ? -1 : m.lastIndexOf(": ");
        return i >= 0 ? m.substring(i + 2) : String.valueOf(m);
    }
}

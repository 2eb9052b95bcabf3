package io.agentsh.core.kernel.supervisor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The device behind a tracee's {@code /dev/tty}. The kernel resolves /dev/tty to the opener's
 * controlling terminal; when the supervisor performs the open for the tracee it must name that
 * terminal itself, since the daemon has none (its own open of /dev/tty fails with ENXIO).
 */
final class ControllingTerminal {
    private ControllingTerminal() {}

    /**
     * The terminal's path relative to the tracee's root ({@code dev/pts/N}, {@code dev/ttyN},
     * {@code dev/ttySN}), or null when the task has no controlling terminal or one we cannot name
     * (the caller answers ENXIO, as the kernel would for no terminal).
     */
    static String of(int tid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc/" + tid + "/stat"));
        } catch (IOException e) {
            return null;
        }
        int close = stat.lastIndexOf(')'); // comm may contain spaces and parentheses
        if (close < 0) return null;
        String[] f = stat.substring(close + 2).split(" ");
        if (f.length < 5) return null;
        int ttyNr;
        try {
            ttyNr = Integer.parseInt(f[4]); // state ppid pgrp session tty_nr
        } catch (NumberFormatException e) {
            return null;
        }
        return pathOf(ttyNr);
    }

    /** Decodes a {@code tty_nr} (the kernel's new_encode_dev) into a device path. */
    static String pathOf(int ttyNr) {
        if (ttyNr == 0) return null;
        int major = (ttyNr >>> 8) & 0xfff;
        int minor = (ttyNr & 0xff) | ((ttyNr >>> 12) & 0xfff00);
        if (major >= 136 && major <= 143) return "dev/pts/" + ((major - 136) * 256 + minor);
        if (major == 4) return minor < 64 ? "dev/tty" + minor : "dev/ttyS" + (minor - 64);
        return null;
    }
}

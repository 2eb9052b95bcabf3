package io.agentsh.cli.guard;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The number of seccomp filters on this process, from {@code /proc/self/status}. */
final class SeccompStatus {
    private SeccompStatus() {}

    /** -1 when the file or the field cannot be read (callers treat that as filtered). */
    static int ofSelf() {
        try {
            return parse(Files.readString(Path.of("/proc/self/status"), StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static int parse(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("Seccomp_filters:")) {
                try {
                    return Integer.parseInt(line.substring("Seccomp_filters:".length()).strip());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        // Kernels before 5.9 have no Seccomp_filters line: fall back to the mode (2 = filter).
        for (String line : status.split("\n")) {
            if (line.startsWith("Seccomp:")) return line.substring("Seccomp:".length()).strip().equals("0") ? 0 : 1;
        }
        return -1;
    }
}

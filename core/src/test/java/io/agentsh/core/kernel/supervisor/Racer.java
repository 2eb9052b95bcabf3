package io.agentsh.core.kernel.supervisor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Compiles the race helper (test resource racer.c) into a temp dir. */
final class Racer {
    private Racer() {}

    static Path build(Path dir) throws IOException, InterruptedException {
        Path src = dir.resolve("racer.c");
        try (InputStream in = Racer.class.getResourceAsStream("/kernel/racer.c")) {
            Files.copy(in, src);
        }
        Path bin = dir.resolve("racer");
        Process cc = new ProcessBuilder("cc", "-O2", "-pthread", "-o", bin.toString(), src.toString()).inheritIO().start();
        if (cc.waitFor() != 0) throw new IllegalStateException("cc racer.c failed");
        return bin;
    }
}

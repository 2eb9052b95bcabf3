package io.agentsh.policy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds ../shared/compat by walking up from the working directory. */
public final class Compat {
    private Compat() {}

    public static Path dir() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            Path c = p.resolve("shared").resolve("compat");
            if (Files.isDirectory(c)) return c;
            p = p.getParent();
        }
        throw new IllegalStateException("shared/compat not found above " + Path.of("").toAbsolutePath());
    }

    public static Path file(String rel) { return dir().resolve(rel); }
}

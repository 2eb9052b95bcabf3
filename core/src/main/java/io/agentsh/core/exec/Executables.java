package io.agentsh.core.exec;

import java.nio.file.Files;
import java.nio.file.Path;

/** Resolves a command like Go's exec.LookPath, against the CHILD's PATH. */
public final class Executables {
    private Executables() {}

    /** The path to execute, or null with the reference's error text in {@code error[0]}. */
    public static String resolve(String command, String childPath, String[] error) {
        if (command.contains("/")) {
            Path p = Path.of(command);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return command;
            error[0] = Files.exists(p) ? "start: fork/exec " + command + ": permission denied"
                    : "start: fork/exec " + command + ": no such file or directory";
            return null;
        }
        String path = childPath == null || childPath.isEmpty() ? "/usr/bin:/bin" : childPath;
        for (String dir : path.split(":", -1)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, command);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return p.toString();
        }
        error[0] = "start: exec: \"" + command + "\": executable file not found in $PATH";
        return null;
    }
}

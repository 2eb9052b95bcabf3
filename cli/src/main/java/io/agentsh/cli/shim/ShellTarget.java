package io.agentsh.cli.shim;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One shell the shim replaces: {@code <root>/bin/<name>} and its preserved {@code .real}. */
record ShellTarget(String name, String displayPath, Path target, Path real) {

    static ShellTarget of(RootPaths root, String name) throws IOException {
        String display = "/bin/" + name;
        Path target = root.resolveParent(display);
        return new ShellTarget(name, display, target, target.resolveSibling(name + ".real"));
    }

    /** The shells selected by --bash / --bash-only: sh alone, sh and bash, or bash alone. */
    static List<ShellTarget> select(RootPaths root, boolean bash, boolean bashOnly) throws IOException {
        List<ShellTarget> out = new ArrayList<>(2);
        if (!bashOnly) {
            out.add(of(root, "sh"));
        }
        if (bash || bashOnly) {
            out.add(of(root, "bash"));
        }
        return out;
    }
}

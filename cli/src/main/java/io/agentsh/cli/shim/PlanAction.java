package io.agentsh.cli.shim;

import java.nio.file.Path;

/**
 * One step of an install or uninstall plan. The same list is printed by --dry-run and carried
 * out by {@link ShellShimInstaller#apply}, so what a dry run shows is what a real run does.
 */
record PlanAction(Op op, String path, String from, String to, String note, Kind kind, byte[] content) {

    enum Op { rename, write, remove, skip, note }

    /** What a write or remove actually does (not printed). */
    enum Kind { NONE, SHIM, COPY, CONF, SYMLINK, FILE }

    static PlanAction rename(Path from, Path to) {
        return new PlanAction(Op.rename, null, from.toString(), to.toString(), null, Kind.NONE, null);
    }

    static PlanAction writeShim(Path path, byte[] shim, String note) {
        return new PlanAction(Op.write, path.toString(), null, null, note, Kind.SHIM, shim);
    }

    static PlanAction copy(Path from, Path to) {
        return new PlanAction(Op.write, to.toString(), from.toString(), null, "copy of the resolved binary " + from, Kind.COPY, null);
    }

    static PlanAction symlink(Path path, String linkTarget) {
        return new PlanAction(Op.write, path.toString(), null, linkTarget, "restore symlink -> " + linkTarget, Kind.SYMLINK, null);
    }

    static PlanAction writeConf(Path path, String content, String note) {
        return new PlanAction(Op.write, path.toString(), null, null, note, Kind.CONF,
                content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    static PlanAction remove(Path path, String note) {
        return new PlanAction(Op.remove, path.toString(), null, null, note, Kind.FILE, null);
    }

    static PlanAction skip(Path path, String note) {
        return new PlanAction(Op.skip, path.toString(), null, null, note, Kind.NONE, null);
    }

    /** The line --dry-run prints in shell format. */
    String describe() {
        return switch (op) {
            case rename -> "rename " + from + " -> " + to;
            case write, remove, skip -> op + " " + path + (note == null ? "" : " (" + note + ")");
            case note -> "note " + note;
        };
    }

    /** The JSON form of --dry-run --output json: op plus whichever of path/from/to/note apply. */
    java.util.Map<String, String> toJson() {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("op", op.name());
        if (path != null) m.put("path", path);
        if (from != null) m.put("from", from);
        if (to != null) m.put("to", to);
        if (note != null) m.put("note", note);
        return m;
    }
}

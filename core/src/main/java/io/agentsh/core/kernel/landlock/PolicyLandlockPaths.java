package io.agentsh.core.kernel.landlock;

import io.agentsh.policy.Policy;
import io.agentsh.policy.model.FileRule;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The directories a policy's allow rules open up, as Landlock can express them (the base
 * directory of each glob). Landlock only ever widens what the kernel lets through here; the
 * rules' finer points (deny rules inside an allowed tree, file names) stay with the supervisor.
 * A glob whose base is {@code /} (a catch-all) grants nothing.
 */
public record PolicyLandlockPaths(List<String> read, List<String> write) {
    private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
    private static final Set<String> READ_OPS = Set.of("read", "open", "stat", "list", "readlink", "access", "*");
    private static final Set<String> WRITE_OPS = Set.of("write", "create", "delete", "rmdir", "mkdir", "rename", "link",
            "symlink", "chmod", "chown", "mknod", "*");

    public static PolicyLandlockPaths derive(Policy policy, Map<String, String> variables) {
        Set<String> read = new LinkedHashSet<>();
        Set<String> write = new LinkedHashSet<>();
        for (FileRule r : policy.fileRules()) {
            if (!"allow".equalsIgnoreCase(r.decision())) continue;
            List<String> ops = r.operations() == null || r.operations().isEmpty() ? List.of("*") : r.operations();
            boolean reads = ops.stream().anyMatch(o -> READ_OPS.contains(o.toLowerCase(java.util.Locale.ROOT)));
            boolean writes = ops.stream().anyMatch(o -> WRITE_OPS.contains(o.toLowerCase(java.util.Locale.ROOT)));
            for (String p : r.paths()) {
                String expanded = expand(p, variables);
                if (expanded == null || !expanded.startsWith("/")) continue;
                String base = LandlockConfig.baseDir(expanded);
                if (base.equals("/")) continue;
                if (reads) read.add(base);
                if (writes) write.add(base);
            }
        }
        return new PolicyLandlockPaths(new ArrayList<>(read), new ArrayList<>(write));
    }

    /** ${VAR} / ${VAR:-fallback}; null when a variable is undefined. */
    public static String expand(String s, Map<String, String> vars) {
        Matcher m = VAR.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = vars.get(m.group(1));
            if (v == null || v.isEmpty()) v = m.group(2);
            if (v == null) return null;
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        return out.toString();
    }
}

package io.agentsh.core.kernel.detect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders a {@link DetectReport} as the human table, as JSON, and as a config suggestion. */
public final class DetectRenderer {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private DetectRenderer() {}

    public static String table(DetectReport r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-18s%s%n", "Platform:", "linux"));
        sb.append(String.format("%-18s%s%n", "Security Mode:", r.securityMode()));
        sb.append(String.format("%-18s%d/100%n%n", "Protection Score:", r.score()));
        sb.append("MECHANISMS\n");
        for (Mechanism m : r.mechanisms()) {
            sb.append(String.format("  %-20s %s  %s%n", m.key(), m.available() ? "✓" : "✗", m.detail()));
        }
        for (DetectReport.Domain d : r.domains()) {
            sb.append('\n').append(String.format("%-40s %d/%d%n", d.name().toUpperCase(Locale.ROOT), d.score(), d.weight()));
            for (DetectReport.Backend b : d.backends()) {
                String status = b.available() && b.used() ? "✓" : b.available() ? "-" : "✗";
                sb.append(String.format("  %-20s %s  %-16s %s%n", b.name(), status, shorten(b.detail()), b.description()));
            }
            sb.append(String.format("  %-19s%s%n", "active backend:", d.active()));
        }
        if (!r.tips().isEmpty()) {
            sb.append("\nTIPS\n");
            for (DetectReport.Tip t : r.tips()) {
                sb.append("  ").append(t.feature()).append(": ").append(t.impact()).append('\n');
                sb.append("    -> ").append(t.action()).append('\n');
            }
        }
        sb.append("\nRun 'agentsh detect config' to generate an optimized configuration.\n");
        return sb.toString();
    }

    private static String shorten(String s) {
        return s.length() <= 16 ? s : s.substring(0, 15) + "…";
    }

    public static String json(DetectReport r) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("platform", "linux");
        root.put("security_mode", r.securityMode());
        root.put("protection_score", r.score());
        List<Object> domains = new ArrayList<>();
        for (DetectReport.Domain d : r.domains()) {
            Map<String, Object> dm = new LinkedHashMap<>();
            dm.put("name", d.name());
            dm.put("weight", d.weight());
            dm.put("score", d.score());
            List<Object> bs = new ArrayList<>();
            for (DetectReport.Backend b : d.backends()) {
                Map<String, Object> bm = new LinkedHashMap<>();
                bm.put("name", b.name());
                bm.put("available", b.available() && b.used());
                bm.put("detail", b.detail());
                bm.put("description", b.description());
                bm.put("check_method", b.checkMethod());
                bs.add(bm);
            }
            dm.put("backends", bs);
            dm.put("active", d.active());
            domains.add(dm);
        }
        root.put("domains", domains);
        Map<String, Object> caps = new LinkedHashMap<>();
        List<String> available = new ArrayList<>(), unavailable = new ArrayList<>();
        for (Mechanism m : r.mechanisms()) {
            caps.put(m.key(), m.available());
            caps.put(m.key() + "_detail", m.detail());
            (m.available() ? available : unavailable).add(m.key());
            if (m.key().equals("landlock") && m.available()) caps.put("landlock_abi", abiOf(m.detail()));
        }
        root.put("capabilities", caps);
        root.put("summary", Map.of("available", available, "unavailable", unavailable));
        List<Object> tips = new ArrayList<>();
        for (DetectReport.Tip t : r.tips()) {
            Map<String, Object> tm = new LinkedHashMap<>();
            tm.put("feature", t.feature());
            tm.put("status", t.status());
            tm.put("impact", t.impact());
            tm.put("action", t.action());
            tips.add(tm);
        }
        root.put("tips", tips);
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** `agentsh detect config`: the config blocks that match what this machine can do. */
    public static String config(DetectReport r) {
        Map<String, Mechanism> m = new LinkedHashMap<>();
        for (Mechanism x : r.mechanisms()) m.put(x.key(), x);
        boolean notify = m.get("seccomp_user_notify").available();
        boolean landlock = m.get("landlock").available();
        StringBuilder sb = new StringBuilder();
        sb.append("# Generated by 'agentsh detect config' for this machine (").append(r.securityMode()).append(" mode, score ")
                .append(r.score()).append("/100)\n");
        sb.append("security:\n  mode: ").append(r.securityMode()).append("\n  warn_degraded: true\n");
        sb.append("sandbox:\n  seccomp:\n    enabled: ").append(notify).append('\n');
        sb.append("    execve:\n      enabled: ").append(notify).append('\n');
        sb.append("    file_monitor:\n      enabled: ").append(notify).append('\n');
        sb.append("  fuse:\n    enabled: ").append(m.get("fuse").available()).append('\n');
        sb.append("  cgroups:\n    enabled: ").append(m.get("cgroups").available()).append('\n');
        sb.append("landlock:\n  enabled: ").append(landlock).append('\n');
        if (landlock) sb.append("  network:\n    allow_connect_tcp: true\n    allow_bind_tcp: false\n");
        sb.append("capabilities:\n  drop: ").append(m.get("capabilities_drop").available()).append('\n');
        return sb.toString();
    }

    private static int abiOf(String detail) {
        try {
            return Integer.parseInt(detail.replaceAll("^ABI (\\d+).*$", "$1"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}

package io.agentsh.core.kernel.detect;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code agentsh detect} reports: the probed mechanisms, the protection domains they
 * serve with a score (reference weights: files 25, commands 25, network 20, resources 15,
 * isolation 15; a domain scores when one of its backends is usable), and the mode the server
 * will run in. A backend is usable only if the probe succeeded and agentsh-java implements it
 * (eBPF is probed but not used, so it never scores; ptrace scores where seccomp notification
 * is missing, the mode auto then picks).
 */
public record DetectReport(List<Mechanism> mechanisms, List<Domain> domains, String securityMode, int score,
                           List<Tip> tips) {

    public record Backend(String name, boolean available, boolean used, String detail, String description, String checkMethod) {}

    public record Domain(String name, int weight, List<Backend> backends) {
        public int score() {
            return backends.stream().anyMatch(b -> b.available() && b.used()) ? weight : 0;
        }

        public String active() {
            return backends.stream().filter(b -> b.available() && b.used()).map(Backend::name).findFirst().orElse("none");
        }
    }

    public record Tip(String feature, String status, String impact, String action) {}

    public static DetectReport from(List<Mechanism> ms) {
        Map<String, Mechanism> m = new LinkedHashMap<>();
        for (Mechanism x : ms) m.put(x.key(), x);
        Mechanism notify = m.get("seccomp_user_notify"), landlock = m.get("landlock"), fuse = m.get("fuse");
        Mechanism ptrace = m.get("ptrace"), ebpf = m.get("ebpf"), cg = m.get("cgroups");
        Mechanism pidns = m.get("pid_namespace"), caps = m.get("capabilities_drop");
        boolean landlockNet = landlock.available() && landlock.detail().contains("TCP");
        List<Domain> domains = List.of(
                new Domain("File Protection", 25, List.of(
                        backend("seccomp-notify", notify, true, "every open/create/delete/rename decided by the policy, race-free"),
                        backend("ptrace-file", ptrace, !notify.available(), "opens checked and verified, other file syscalls emulated (ptrace mode)"),
                        backend("landlock", landlock, true, "kernel path restrictions (reads, exec) without a round trip"),
                        backend("fuse", fuse, true, "workspace interception, soft-delete"))),
                new Domain("Command Control", 25, List.of(
                        backend("seccomp-execve", notify, true, "execve/execveat of every process in the tree"),
                        backend("ptrace", ptrace, !notify.available(), notify.available()
                                ? "tracer backend (security.mode: ptrace; auto uses seccomp here)"
                                : "tracer backend: execve/execveat of every process in the tree (ptrace mode)"))),
                new Domain("Network", 20, List.of(
                        new Backend("landlock-network", landlockNet, true, landlockNet ? "TCP bind/connect rules" : "needs Landlock ABI 4",
                                "kernel TCP bind/connect restrictions", "Landlock ABI"),
                        backend("ebpf", ebpf, false, "cgroup socket hooks (out of scope)"))),
                new Domain("Resource Limits", 15, List.of(backend("cgroups", cg, true, "memory, pids and CPU limits"))),
                new Domain("Isolation", 15, List.of(
                        backend("pid-namespace", pidns, true, "commands in their own PID namespace"),
                        backend("capability-drop", caps, true, "reduced capability bounding set for commands"))));
        int score = domains.stream().mapToInt(Domain::score).sum();
        String mode;
        if (notify.available() && (landlock.available() || fuse.available())) mode = "full";
        else if (ptrace.available()) mode = "ptrace";
        else if (landlock.available() && fuse.available()) mode = "landlock";
        else if (landlock.available()) mode = "landlock-only";
        else mode = "minimal";
        List<Tip> tips = new ArrayList<>();
        for (Domain d : domains) {
            if (d.score() > 0) continue;
            Backend first = d.backends().getFirst();
            tips.add(new Tip(first.name(), first.detail(), d.name().toLowerCase() + " is not enforced (+" + d.weight() + " pts)",
                    actionFor(first.name())));
        }
        return new DetectReport(List.copyOf(ms), domains, mode, score, tips);
    }

    private static Backend backend(String name, Mechanism m, boolean used, String description) {
        return new Backend(name, m.available(), used, m.detail(), description, m.checkMethod());
    }

    private static String actionFor(String backend) {
        return switch (backend) {
            case "seccomp-notify", "seccomp-execve" -> "install agentsh-exec-wrapper and run on a kernel with seccomp user notification (5.9+) outside a filter that forbids it";
            case "landlock-network" -> "boot a kernel with Landlock ABI 4+ (lsm=...,landlock)";
            case "cgroups" -> "mount cgroup v2 with the memory, pids and cpu controllers (or v1 hierarchies)";
            case "pid-namespace" -> "allow unprivileged or root namespace creation in the VM";
            default -> "see agentsh detect -o json";
        };
    }
}

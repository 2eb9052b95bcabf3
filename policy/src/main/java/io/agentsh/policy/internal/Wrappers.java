package io.agentsh.policy.internal;

import io.agentsh.policy.model.TransparentCommands;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Transparent wrappers (env, nice, nohup, timeout, time, stdbuf, ionice, setsid, xargs, sudo, doas,
 * busybox, strace, ltrace, chroot, ld-linux*) and how to find the command they run. Each wrapper's
 * options that take a value are known, so {@code sudo -u root x}, {@code timeout -s KILL 5 x},
 * {@code nice -n 5 x}, {@code env -i A=1 x} and {@code env -S "x y"} all find x. Wrappers added
 * through {@code transparent_commands.add} use the generic rule: skip options and NAME=VALUE words.
 */
final class Wrappers {
    /** name -> spec. */
    private record Spec(Set<String> optsWithValue, int positionals, boolean assignments, boolean splitS) {}

    private static final Map<String, Spec> BUILTIN = new HashMap<>();
    private static final Spec GENERIC = new Spec(Set.of(), 0, true, false);
    private static final Spec LOADER = new Spec(Set.of("--library-path", "--preload", "--argv0", "--audit",
            "--inhibit-rpath", "--glibc-hwcaps-prepend", "--glibc-hwcaps-mask"), 0, false, false);

    static {
        BUILTIN.put("env", new Spec(Set.of("-u", "--unset", "-C", "--chdir", "-P", "-S", "--split-string",
                "--default-signal", "--ignore-signal", "--block-signal"), 0, true, true));
        BUILTIN.put("nice", new Spec(Set.of("-n", "--adjustment"), 0, false, false));
        BUILTIN.put("nohup", new Spec(Set.of(), 0, false, false));
        BUILTIN.put("timeout", new Spec(Set.of("-s", "--signal", "-k", "--kill-after"), 1, false, false));
        BUILTIN.put("time", new Spec(Set.of("-f", "--format", "-o", "--output"), 0, false, false));
        BUILTIN.put("stdbuf", new Spec(Set.of("-i", "--input", "-o", "--output", "-e", "--error"), 0, false, false));
        BUILTIN.put("ionice", new Spec(Set.of("-c", "--class", "-n", "--classdata", "-p", "--pid", "-P", "--pgid",
                "-u", "--uid"), 0, false, false));
        BUILTIN.put("setsid", new Spec(Set.of(), 0, false, false));
        BUILTIN.put("xargs", new Spec(Set.of("-a", "--arg-file", "-d", "--delimiter", "-E", "-e", "--eof", "-I",
                "--replace", "-L", "--max-lines", "-n", "--max-args", "-P", "--max-procs", "-s", "--max-chars",
                "--process-slot-var"), 0, false, false));
        BUILTIN.put("sudo", new Spec(Set.of("-u", "--user", "-g", "--group", "-C", "--close-from", "-D", "--chdir",
                "-h", "--host", "-p", "--prompt", "-r", "--role", "-t", "--type", "-T", "--command-timeout", "-U",
                "--other-user", "-R", "--chroot"), 0, true, false));
        BUILTIN.put("doas", new Spec(Set.of("-u", "-C"), 0, false, false));
        BUILTIN.put("busybox", new Spec(Set.of(), 0, false, false));
        BUILTIN.put("strace", new Spec(Set.of("-e", "-o", "-p", "-s", "-u", "-E", "-a", "-b", "-I", "-O", "-P", "-S",
                "-X", "--output", "--attach", "--string-limit", "--user", "--env", "--trace", "--signal",
                "--status", "--expression", "--columns", "--detach-on", "--seccomp-bpf"), 0, false, false));
        BUILTIN.put("ltrace", new Spec(Set.of("-e", "-o", "-p", "-s", "-u", "-a", "-A", "-D", "-l", "-n", "-w", "-x",
                "-F", "-L", "--output", "--library", "--indent", "--align"), 0, false, false));
        BUILTIN.put("chroot", new Spec(Set.of("--userspec", "--groups"), 1, false, false));
    }

    private final Map<String, Spec> specs;
    private final io.agentsh.policy.internal.match.RegionSet names;
    private final boolean loaderRemoved;

    Wrappers(TransparentCommands tc) {
        Map<String, Spec> m = new HashMap<>(BUILTIN);
        for (String a : tc.add()) m.putIfAbsent(a.trim().toLowerCase(Locale.ROOT), GENERIC);
        boolean ldRemoved = false;
        for (String r : tc.remove()) {
            String n = r.trim().toLowerCase(Locale.ROOT);
            m.remove(n);
            if (n.startsWith("ld-linux")) ldRemoved = true;
        }
        specs = Map.copyOf(m);
        names = new io.agentsh.policy.internal.match.RegionSet(specs.keySet());
        loaderRemoved = ldRemoved;
    }

    /** Whether the command at {@code cmd} (path or name) is a wrapper; no allocation. */
    boolean isWrapper(String cmd) {
        int from = cmd.lastIndexOf('/') + 1;
        if (names.contains(cmd, from, cmd.length())) return true;
        return !loaderRemoved && cmd.regionMatches(true, from, "ld-linux", 0, 8);
    }

    /** The payload argv (payload first) of wrapper invocation {@code argv}, or null when there is none. */
    List<String> unwrap(List<String> argv) {
        String cmd = argv.get(0);
        String base = cmd.substring(cmd.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        Spec spec = specs.get(base);
        if (spec == null) {
            if (!loaderRemoved && base.startsWith("ld-linux")) spec = LOADER;
            else return null;
        }
        List<String> a = new ArrayList<>(argv);
        int i = 1;
        int positionals = spec.positionals;
        while (i < a.size()) {
            String s = a.get(i);
            if (s.equals("--")) { i++; break; }
            if (s.startsWith("--") && s.length() > 2) {
                int eq = s.indexOf('=');
                String name = eq < 0 ? s : s.substring(0, eq);
                if (spec.splitS && name.equals("--split-string")) {
                    String val = eq >= 0 ? s.substring(eq + 1) : (i + 1 < a.size() ? a.get(i + 1) : "");
                    int consumed = eq >= 0 ? 1 : 2;
                    splice(a, i, consumed, val);
                    continue;
                }
                i += eq < 0 && spec.optsWithValue.contains(name) ? 2 : 1;
                continue;
            }
            if (s.startsWith("-") && s.length() > 1) {
                boolean consumedNext = false;
                boolean spliced = false;
                for (int j = 1; j < s.length(); j++) {
                    String opt = "-" + s.charAt(j);
                    if (spec.optsWithValue.contains(opt)) {
                        boolean attached = j + 1 < s.length();
                        if (spec.splitS && opt.equals("-S")) {
                            String val = attached ? s.substring(j + 1) : (i + 1 < a.size() ? a.get(i + 1) : "");
                            splice(a, i, attached ? 1 : 2, val);
                            spliced = true;
                        } else if (!attached) {
                            consumedNext = true;
                        }
                        break;
                    }
                }
                if (spliced) continue;
                i += consumedNext ? 2 : 1;
                continue;
            }
            if (spec.assignments && s.indexOf('=') > 0) { i++; continue; }
            if (positionals > 0) { positionals--; i++; continue; }
            break;
        }
        if (i >= a.size()) return null;
        return a.subList(i, a.size());
    }

    /** env -S "a b c": replaces the option (and its value) with the split words. */
    private static void splice(List<String> a, int at, int count, String value) {
        for (int k = 0; k < count && at < a.size(); k++) a.remove(at);
        String[] words = value.trim().isEmpty() ? new String[0] : value.trim().split("\\s+");
        for (int k = words.length - 1; k >= 0; k--) a.add(at, words[k]);
    }
}

package io.agentsh.proxy.transparent;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes namespaces and veths left behind by a daemon (or test JVM) that died without tearing
 * down: their names carry the owner's pid, and only those whose owner is gone are removed, so
 * a sweep never touches a live daemon's sessions.
 */
public final class StaleSweeper {
    private static final Pattern NETNS = Pattern.compile("agentsh-t?(\\d+)-.*");
    private static final Pattern VETH = Pattern.compile(SessionNetns.VETH_PREFIX + "([0-9a-f]{6})[0-9a-f]{5}[hs]");

    private StaleSweeper() {}

    /** Sweeps the caller's namespace (and /run/netns); returns what was removed. */
    public static List<String> sweep() {
        List<String> removed = new ArrayList<>();
        Path dir = Path.of("/run/netns");
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "agentsh-*")) {
                for (Path p : ds) {
                    String n = p.getFileName().toString();
                    Matcher m = NETNS.matcher(n);
                    if (m.matches() && !alive(Long.parseLong(m.group(1)))
                            && Commands.quiet(List.of("ip", "netns", "del", n))) {
                        removed.add("netns " + n);
                    }
                }
            } catch (IOException ignored) {
                // nothing to sweep
            }
        }
        try {
            for (String line : Commands.run(List.of("ip", "-o", "link", "show"), null).split("\n")) {
                String[] f = line.split(":\\s+", 3);
                if (f.length < 2) continue;
                String n = f[1].contains("@") ? f[1].substring(0, f[1].indexOf('@')) : f[1];
                Matcher m = VETH.matcher(n);
                if (m.matches() && !aliveTruncated(Long.parseLong(m.group(1), 16))
                        && Commands.quiet(List.of("ip", "link", "del", n))) {
                    removed.add("veth " + n);
                }
            }
        } catch (IOException ignored) {
            // no ip binary: nothing of ours can exist either
        }
        return removed;
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static boolean aliveTruncated(long pid24) {
        long self = ProcessHandle.current().pid();
        if ((self & 0xffffff) == pid24) return true;
        return alive(pid24);
    }
}

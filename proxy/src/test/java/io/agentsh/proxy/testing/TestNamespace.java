package io.agentsh.proxy.testing;

import io.agentsh.proxy.transparent.Netns;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A private network namespace for a test: only loopback, plus the "forbidden" addresses added to
 * lo so a stand-in can answer them (a test that passes only because nothing routes proves
 * nothing). Nothing here touches the host's namespace; close() deletes it.
 */
public final class TestNamespace implements AutoCloseable {
    private static final AtomicInteger SEQ = new AtomicInteger();
    public final String name;
    public final Path file;
    private final ExecutorService thread;

    public TestNamespace(String tag) throws IOException {
        this.name = "agentsh-t" + ProcessHandle.current().pid() + "-" + tag + SEQ.incrementAndGet();
        this.file = Path.of("/run/netns", name);
        Sh.run("ip", "netns", "add", name);
        try {
            Sh.run("ip", "-n", name, "link", "set", "lo", "up");
            this.thread = Executors.newSingleThreadExecutor(threadFactory("ns-main"));
        } catch (IOException | RuntimeException e) {
            Sh.runQuiet("ip", "netns", "del", name);
            throw e;
        }
    }

    public static boolean available() {
        try {
            return Sh.runQuiet("ip", "netns", "list") == 0 && Sh.runQuiet("nft", "--version") == 0
                    && ProcessHandle.current().info().user().map("root"::equals).orElse(false);
        } catch (Exception e) {
            return false;
        }
    }

    public void addLoopbackAddresses(String... cidrs) throws IOException {
        for (String c : cidrs) Sh.run("ip", "-n", name, "addr", "add", c, "dev", "lo");
    }

    public ThreadFactory threadFactory(String prefix) {
        return Netns.threadFactory(file, prefix);
    }

    /** Runs {@code c} on a thread inside the namespace (sockets it opens live there). */
    public <T> T call(Callable<T> c) throws Exception {
        return thread.submit(c).get();
    }

    /** A command line prefixed to run inside the namespace. */
    public List<String> exec(String... cmd) {
        List<String> l = new java.util.ArrayList<>(List.of("ip", "netns", "exec", name));
        l.addAll(List.of(cmd));
        return l;
    }

    @Override
    public void close() {
        thread.shutdownNow();
        Sh.runQuiet("ip", "netns", "del", name);
    }
}

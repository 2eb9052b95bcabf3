package io.agentsh.proxy.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs small commands for tests, with a hard timeout. */
public final class Sh {
    private Sh() {}

    public record Result(int exit, String out, String err) {}

    public static Result exec(List<String> cmd, long timeoutSeconds) throws IOException {
        Process p = new ProcessBuilder(cmd).start();
        try {
            var out = p.getInputStream();
            var err = p.getErrorStream();
            var fo = java.util.concurrent.CompletableFuture.supplyAsync(() -> read(out));
            var fe = java.util.concurrent.CompletableFuture.supplyAsync(() -> read(err));
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + cmd);
            }
            return new Result(p.exitValue(), fo.join(), fe.join());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    public static void run(String... cmd) throws IOException {
        Result r = exec(List.of(cmd), 20);
        if (r.exit() != 0) throw new IOException(String.join(" ", cmd) + " failed: " + r.err());
    }

    public static int runQuiet(String... cmd) {
        try {
            return exec(List.of(cmd), 20).exit();
        } catch (IOException e) {
            return -1;
        }
    }
}

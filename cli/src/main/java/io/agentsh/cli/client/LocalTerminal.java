package io.agentsh.cli.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The terminal the CLI runs in, through stty(1) with our stdin (Java has no termios): size, raw
 * mode and its restoration (also from a shutdown hook), SIGWINCH and termination signals.
 */
class LocalTerminal {
    private volatile String saved;
    private Boolean terminal;
    private Thread restoreHook;

    /** Both stdin and stdout are terminals (as the reference requires for raw mode). */
    boolean isTerminal() {
        Boolean t = terminal;
        if (t == null) {
            // test(1) with our own fds (System.console() would set up a line editor on them).
            try {
                t = new ProcessBuilder("sh", "-c", "[ -t 0 ] && [ -t 1 ]").inheritIO().start().waitFor() == 0;
            } catch (IOException e) {
                t = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                t = false;
            }
            terminal = t;
        }
        return t;
    }

    /** {rows, cols}, or null when unknown. */
    int[] size() {
        String s = stty("size");
        if (s == null) return null;
        String[] p = s.trim().split("\\s+");
        try {
            int rows = Integer.parseInt(p[0]), cols = Integer.parseInt(p[1]);
            return rows > 0 && cols > 0 ? new int[] {rows, cols} : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Saves the settings and switches to raw, no echo; true when it worked. */
    boolean enterRaw() {
        String g = stty("-g");
        if (g == null || g.isBlank()) return false;
        saved = g.trim();
        restoreHook = new Thread(this::restore, "agentsh-tty-restore");
        Runtime.getRuntime().addShutdownHook(restoreHook);
        return stty("raw", "-echo") != null;
    }

    void restore() {
        String g = saved;
        saved = null;
        if (g != null) stty(g);
        Thread h = restoreHook;
        if (h != null && Thread.currentThread() != h) {
            try {
                Runtime.getRuntime().removeShutdownHook(h);
            } catch (IllegalStateException ignored) {
                // already shutting down
            }
        }
    }

    /** SIGWINCH gives the new size; INT/TERM/HUP/QUIT go to the remote command by name. */
    @SuppressWarnings("restriction")
    void onSignals(Consumer<int[]> resize, Consumer<String> signal) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("WINCH"), s -> {
                int[] size = size();
                if (size != null) resize.accept(size);
            });
        } catch (IllegalArgumentException e) {
            // the platform has no SIGWINCH or the JVM reserves it: no live resizes
        }
        for (String name : List.of("INT", "TERM", "HUP", "QUIT")) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), s -> signal.accept("SIG" + name));
            } catch (IllegalArgumentException e) {
                // reserved by the JVM (QUIT: thread dumps): not forwarded
            }
        }
    }

    /** stty ARGS on our stdin; its output, or null when it failed. */
    private static String stty(String... args) {
        List<String> cmd = new ArrayList<>(List.of("stty"));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}

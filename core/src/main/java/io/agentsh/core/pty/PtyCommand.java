package io.agentsh.core.pty;

import io.agentsh.core.exec.ProcessGroups;
import io.agentsh.core.exec.ProcessRunner;
import java.io.IOException;
import jnr.constants.platform.Signal;

/**
 * The client's handle on a command running in a pty: input, window size, signals and hang-up.
 * Created before the command starts (input and resizes before that go to the pty already; a
 * signal before the start is dropped, as there is nobody to receive it yet).
 */
public final class PtyCommand {
    private final Pty pty;
    private volatile long pid = -1;
    private volatile boolean hungUp;

    public PtyCommand(Pty pty) {
        this.pty = pty;
    }

    Pty pty() {
        return pty;
    }

    void started(long pid) {
        this.pid = pid;
        if (hungUp) hangUpGroup(pid);
    }

    public void input(byte[] data, int len) throws IOException {
        pty.write(data, len);
    }

    public void resize(int rows, int cols) throws IOException {
        pty.resize(rows, cols);
    }

    /** Signals the command's process group; false when it is not running. */
    public boolean signal(Signal sig) {
        long p = pid;
        return p > 1 && ProcessGroups.signal(p, sig);
    }

    /** The client went away: SIGHUP the group as a closing terminal would, SIGKILL what ignores it. */
    public void hangUp() {
        hungUp = true;
        long p = pid;
        if (p > 1) hangUpGroup(p);
    }

    /** Releases the pty (the runner closes it itself; this is for commands that never started). */
    public void close() {
        pty.stop();
        pty.close();
    }

    boolean isHungUp() {
        return hungUp;
    }

    private static void hangUpGroup(long p) {
        if (!ProcessGroups.signal(p, Signal.SIGHUP)) return;
        Thread.ofVirtual().name("agentsh-pty-hangup-" + p).start(() -> {
            try {
                Thread.sleep(ProcessRunner.KILL_GRACE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (ProcessGroups.exists(p)) ProcessGroups.kill(p);
        });
    }
}

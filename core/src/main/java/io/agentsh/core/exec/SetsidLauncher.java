package io.agentsh.core.exec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Default launcher: {@code setsid EXECUTABLE ARGS...}. setsid(1) execs in place (a child of the
 * JVM is never a group leader, so it does not fork): the pid we get is the command's pid, its
 * session id and its process group id. argv[0] overrides need the exec wrapper, which can set
 * argv[0] freely; without it the override is refused rather than silently ignored.
 */
public final class SetsidLauncher implements CommandLauncher {
    private final String setsid;

    public SetsidLauncher() {
        this.setsid = find();
    }

    private static String find() {
        for (String p : new String[] {"/usr/bin/setsid", "/bin/setsid", "/usr/sbin/setsid"}) {
            if (Files.isExecutable(Path.of(p))) return p;
        }
        throw new IllegalStateException("setsid(1) not found (util-linux): cannot start commands in their own session");
    }

    @Override
    public LaunchPlan plan(LaunchRequest r) throws LaunchException {
        if (r.argv0() != null && !r.argv0().isEmpty() && !r.argv0().equals(r.command())) {
            throw new LaunchException("argv0 override requires the exec wrapper (agentsh-exec-wrapper)");
        }
        List<String> argv = new ArrayList<>(r.args().size() + 2);
        argv.add(setsid);
        if (r.terminal()) argv.add("--ctty"); // setsid(1): TIOCSCTTY on stdin, the pty slave
        argv.add(r.executable());
        argv.addAll(r.args());
        return new LaunchPlan(argv, r.env(), r.workingDir(), null);
    }
}

package io.agentsh.core.api;

import io.agentsh.core.session.Session;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.TreeMap;

/** Session built-ins answered without spawning (reference session/manager.go Builtin). */
final class Builtins {
    private Builtins() {}

    /** The response for a built-in command, or null when the command is not one. */
    static ExecResponse run(Session s, String cmdId, Instant started, ExecRequest req) {
        List<String> a = req.argsOrEmpty();
        return switch (req.command()) {
            case "cd" -> cd(s, cmdId, started, req, a);
            case "pwd" -> done(s, cmdId, started, req, 0, s.cwd() + "\n", null);
            case "export" -> {
                if (a.isEmpty() || !a.get(0).contains("=")) {
                    yield done(s, cmdId, started, req, 2, null, "usage: export KEY=value\n");
                }
                for (String kv : a) {
                    int eq = kv.indexOf('=');
                    if (eq > 0) s.env().put(kv.substring(0, eq), kv.substring(eq + 1));
                }
                yield done(s, cmdId, started, req, 0, null, null);
            }
            case "unset" -> {
                if (a.isEmpty()) yield done(s, cmdId, started, req, 2, null, "usage: unset KEY\n");
                a.forEach(s.env()::remove);
                yield done(s, cmdId, started, req, 0, null, null);
            }
            case "env" -> {
                StringBuilder sb = new StringBuilder();
                new TreeMap<>(s.env()).forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
                yield done(s, cmdId, started, req, 0, sb.isEmpty() ? null : sb.toString(), null);
            }
            default -> null;
        };
    }

    private static ExecResponse cd(Session s, String cmdId, Instant started, ExecRequest req, List<String> a) {
        String root = s.virtualRoot();
        String target = a.isEmpty() ? root : a.get(0);
        Path next = Path.of(s.cwd()).resolve(target).normalize();
        if (!next.startsWith(Path.of(root))) {
            return done(s, cmdId, started, req, 1, null, "cd: path must be under " + root + "\n");
        }
        Path real = s.workspaceMount().resolve(Path.of(root).relativize(next).toString()).normalize();
        if (!java.nio.file.Files.isDirectory(real)) {
            return done(s, cmdId, started, req, 1, null, "cd: " + target + ": no such directory\n");
        }
        s.cwd(next.toString());
        return done(s, cmdId, started, req, 0, null, null);
    }

    private static ExecResponse done(Session s, String cmdId, Instant started, ExecRequest req, int exit, String out,
                                     String err) {
        ExecResponse.Result r = new ExecResponse.Result(exit, out, err, null, null,
                out == null ? null : (long) out.length(), err == null ? null : (long) err.length(), 0,
                exit == 0 ? null : new ExecResponse.ErrorInfo("E_COMMAND_FAILED", "exit status " + exit, null, null, null),
                null);
        return new ExecResponse(cmdId, s.id(), started, req, r, EventBuckets.classify(List.of(), req.includeEvents()),
                null, Guidance.ran(List.of(), exit, null, !s.realPaths()));
    }
}

package io.agentsh.core.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentsh.core.json.Json;
import io.agentsh.core.pty.Pty;
import io.agentsh.core.pty.PtyCommand;
import io.agentsh.core.session.Session;
import io.agentsh.core.session.SessionManager;
import io.agentsh.core.server.WebSocketBody;
import io.agentsh.core.server.WebSocketChannel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import jnr.constants.platform.Signal;

/**
 * One {@code GET /api/v1/sessions/{id}/pty} conversation (reference pty_ws.go): a text
 * {@code start} frame, then binary stdin and text {@code resize}/{@code signal} frames; the server
 * answers with binary terminal output and a final {@code exit} (or {@code error}) frame. The
 * command is decided and launched by {@link ExecService} exactly as a non-PTY exec (policy,
 * approvals, env policy, kernel arming, audit, output DLP). Frames are handled in order on one
 * virtual thread, never on the I/O thread.
 */
final class PtySocket implements WebSocketBody.Handler {
    private static final Logger LOG = Logger.getLogger(PtySocket.class.getName());
    private static final long PAUSE_BYTES = 1 << 20;
    private static final Object CLOSED = new Object();

    private final SessionManager sessions;
    private final ExecService exec;
    private final String sessionId;
    private final WebSocketChannel ch;
    private final LinkedBlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private volatile PtyCommand command;
    private volatile boolean gone;

    PtySocket(SessionManager sessions, ExecService exec, String sessionId, WebSocketChannel ch) {
        this.sessions = sessions;
        this.exec = exec;
        this.sessionId = sessionId;
        this.ch = ch;
        Thread.ofVirtual().name("agentsh-pty-" + sessionId).start(this::serve);
    }

    @Override
    public void text(String text) {
        inbox.add(text);
    }

    @Override
    public void binary(byte[] data) {
        // Input the command does not read yet piles up here: stop reading the socket past a bound.
        if (queuedBytes.addAndGet(data.length) > PAUSE_BYTES) ch.reading(false);
        inbox.add(data);
    }

    @Override
    public void closed() {
        gone = true;
        PtyCommand c = command;
        if (c != null) c.hangUp();
        inbox.add(CLOSED);
    }

    private void serve() {
        try {
            Object first = inbox.take();
            if (!(first instanceof String s)) {
                fail(0, first == CLOSED ? null : "first message must be text start");
                return;
            }
            ExecRequest req = parseStart(s);
            if (req == null) return;
            Session session;
            try {
                session = sessions.get(sessionId);
            } catch (ApiException e) {
                fail(e.status(), e.getMessage());
                return;
            }
            JsonNode start = Json.MAPPER.readTree(s);
            int rows = start.path("rows").asInt(0) > 0 ? start.path("rows").asInt() : 24;
            int cols = start.path("cols").asInt(0) > 0 ? start.path("cols").asInt() : 80;
            ExecService.Decided d;
            try {
                d = exec.decide(session, req);
            } catch (ApiException e) {
                fail(e.status(), e.getMessage());
                return;
            }
            if (d.denied() != null) {
                fail(403, denyMessage(d.denied()));
                return;
            }
            if (gone) {
                exec.abandon(d); // the client left while the command waited (e.g. for an approval)
                return;
            }
            Pty pty;
            try {
                pty = Pty.open(rows, cols);
            } catch (IOException | RuntimeException | LinkageError e) {
                // decide() handed us the session's exec lock: run() releases it, so run nothing through it.
                exec.abandon(d);
                fail(500, "cannot open a pty: " + e.getMessage());
                return;
            }
            PtyCommand cmd = new PtyCommand(pty);
            command = cmd;
            if (gone) cmd.hangUp();
            // decide() took the session's exec lock on this thread: the command runs (and unlocks) here too.
            Thread.ofVirtual().name("agentsh-pty-input-" + d.commandId()).start(() -> controls(cmd));
            ExecService.PtyOutcome o = exec.runPty(d, cmd, (buf, len) -> ch.sendBinary(buf, 0, len));
            Map<String, Object> exit = new LinkedHashMap<>();
            exit.put("type", "exit");
            exit.put("exit_code", o.exitCode());
            exit.put("duration_ms", o.durationMs());
            ch.sendText(Json.encode(exit));
            ch.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            fail(0, "invalid start json");
        } catch (RuntimeException | LinkageError e) {
            LOG.warning("pty session " + sessionId + " failed: " + e);
            fail(500, "internal error: " + e.getClass().getSimpleName());
        }
    }

    /** Input, resizes and signals until the socket closes. */
    private void controls(PtyCommand cmd) {
        while (true) {
            Object m;
            try {
                m = inbox.take();
            } catch (InterruptedException e) {
                return;
            }
            if (m == CLOSED) return;
            try {
                if (m instanceof byte[] b) {
                    cmd.input(b, b.length);
                    if (queuedBytes.addAndGet(-b.length) <= PAUSE_BYTES / 2) ch.reading(true);
                } else if (m instanceof String s) {
                    control(cmd, s);
                }
            } catch (IOException e) {
                LOG.fine("pty input: " + e.getMessage());
            }
        }
    }

    private void control(PtyCommand cmd, String text) throws IOException {
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(text);
        } catch (IOException e) {
            return; // a malformed control frame is ignored, as the reference does
        }
        switch (n.path("type").asText("")) {
            case "resize" -> {
                int rows = n.path("rows").asInt(0), cols = n.path("cols").asInt(0);
                if (rows > 0 && cols > 0 && rows <= 0xffff && cols <= 0xffff) cmd.resize(rows, cols);
            }
            case "signal" -> {
                Signal sig = switch (n.path("name").asText("")) {
                    case "SIGINT" -> Signal.SIGINT;
                    case "SIGTERM" -> Signal.SIGTERM;
                    case "SIGHUP" -> Signal.SIGHUP;
                    case "SIGQUIT" -> Signal.SIGQUIT;
                    default -> null;
                };
                if (sig != null) cmd.signal(sig);
            }
            default -> { }
        }
    }

    /** The start frame as an exec request; null (after an error frame) when it is not one. */
    private ExecRequest parseStart(String text) {
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(text);
        } catch (IOException e) {
            fail(0, "invalid start json");
            return null;
        }
        if (n == null || !n.isObject()) {
            fail(0, "invalid start json");
            return null;
        }
        if (!"start".equals(n.path("type").asText(""))) {
            fail(0, "expected type=start");
            return null;
        }
        String command = n.path("command").asText("");
        if (command.isBlank()) {
            fail(0, "command is required");
            return null;
        }
        try {
            List<String> args = new ArrayList<>();
            for (JsonNode a : n.path("args")) {
                if (!a.isTextual()) throw new IllegalArgumentException("args must be strings");
                args.add(a.asText());
            }
            Map<String, String> env = null;
            if (n.path("env").isObject()) {
                env = new LinkedHashMap<>();
                for (var it = n.path("env").properties().iterator(); it.hasNext(); ) {
                    var e = it.next();
                    env.put(e.getKey(), e.getValue().asText());
                }
            }
            String argv0 = n.path("argv0").isTextual() ? n.path("argv0").asText() : null;
            String wd = n.path("working_dir").isTextual() ? n.path("working_dir").asText() : null;
            return new ExecRequest(command, argv0, args, null, wd, env, null, null, null);
        } catch (IllegalArgumentException e) {
            fail(0, "invalid start json");
            return null;
        }
    }

    /** The reference's deny texts (pty_core.go): the policy, or an approval that did not come. */
    static String denyMessage(ExecResponse denied) {
        String code = denied.result() != null && denied.result().error() != null ? denied.result().error().code() : "";
        return switch (code) {
            case "E_APPROVAL_TIMEOUT" -> "command denied (approval timed out)";
            case "E_APPROVAL_DENIED" -> "command denied (approval required)";
            default -> "command denied by policy";
        };
    }

    private void fail(int code, String message) {
        if (message != null) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", "error");
            if (code > 0) m.put("code", code);
            m.put("message", message);
            ch.sendText(Json.encode(m));
        }
        ch.close();
    }
}

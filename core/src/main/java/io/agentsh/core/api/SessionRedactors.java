package io.agentsh.core.api;

import io.agentsh.core.session.Session;
import io.agentsh.core.session.SessionListener;
import io.agentsh.proxy.dlp.DlpEngine;
import io.agentsh.proxy.dlp.DlpMode;
import io.agentsh.proxy.dlp.Redactor;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * DLP for command output, one {@link Redactor} per session. The compiled detectors are shared;
 * the token key is not: in tokenize mode the same secret gets the same token within a session
 * (so an agent can still tell two keys apart) but unrelated tokens in other sessions, so tokens
 * cannot link sessions. A session's redactor is made when the session is created and dropped
 * when it ends.
 */
public final class SessionRedactors implements SessionListener {
    private static final Logger LOG = Logger.getLogger(SessionRedactors.class.getName());

    /** The shared part: compiled detectors and the mode. */
    private record Dlp(DlpEngine engine, DlpMode mode) {
    }

    private volatile Dlp dlp;
    private final Map<String, Redactor> bySession = new ConcurrentHashMap<>();

    /** Turns output DLP on (null engine, or one that would never change anything: off). */
    public void enable(DlpEngine engine, DlpMode mode) {
        boolean changesText = engine != null && mode != DlpMode.DISABLED && engine.detectorCount() > 0;
        dlp = changesText ? new Dlp(engine, mode) : null;
    }

    public boolean enabled() {
        return dlp != null;
    }

    /** The session's redactor, or null when output DLP is off. */
    public Redactor forSession(String sessionId) {
        Dlp d = dlp;
        if (d == null) {
            return null;
        }
        Redactor r = bySession.get(sessionId);
        if (r == null) {
            // A session made before DLP was turned on, or output arriving after the session ended:
            // still redact (never pass a secret), with a key of its own that no other output shares.
            LOG.fine(() -> "no output redactor for session " + sessionId + "; using a one-off key");
            return Redactor.forSession(d.engine(), d.mode());
        }
        return r;
    }

    /** True while {@code sessionId} holds a redactor (its token key) of its own. */
    public boolean tracks(String sessionId) {
        return bySession.containsKey(sessionId);
    }

    @Override
    public void created(Session session) {
        Dlp d = dlp;
        if (d != null) {
            bySession.put(session.id(), Redactor.forSession(d.engine(), d.mode()));
        }
    }

    @Override
    public void destroyed(Session session) {
        bySession.remove(session.id());
    }
}

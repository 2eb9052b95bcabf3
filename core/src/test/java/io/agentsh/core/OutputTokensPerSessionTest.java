package io.agentsh.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentsh.core.api.SessionRedactors;
import io.agentsh.core.json.Json;
import io.agentsh.proxy.dlp.BuiltinDetector;
import io.agentsh.proxy.dlp.DlpEngine;
import io.agentsh.proxy.dlp.DlpMode;
import io.agentsh.proxy.dlp.DlpSettings;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokenize mode on exec output: tokens are stable within a session and unlinkable across sessions. */
class OutputTokensPerSessionTest {
    static final String SECRET = "alice@example.com";
    static final Pattern TOKEN = Pattern.compile("\\[TOKEN:email:([0-9a-f]{16})]");

    @TempDir Path ws;

    private static String token(TestDaemon d, String sid, String stream) throws Exception {
        String body = Json.encode(Map.of("command", "/bin/echo", "args", List.of("mail " + SECRET)));
        TestDaemon.Reply r = d.post("/api/v1/sessions/" + sid + "/exec" + stream, body);
        assertEquals(200, r.status(), r.body());
        // The JSON reply echoes the request (args included); the stream carries only the output.
        String output = stream.isEmpty() ? r.json().at("/result/stdout").asText() : r.body();
        assertFalse(output.contains(SECRET), output);
        Matcher m = TOKEN.matcher(output);
        assertTrue(m.find(), output);
        return m.group(1);
    }

    @Test
    void sameSecretSameTokenInASessionOtherTokenInAnother() throws Exception {
        try (TestDaemon d = TestDaemon.start(new FakePolicies(Map.of(), null), b -> { })) {
            SessionRedactors out = d.daemon.execService().outputRedactors();
            out.enable(DlpEngine.compile(new DlpSettings(DlpMode.TOKENIZE, EnumSet.of(BuiltinDetector.EMAIL), List.of(),
                    null)), DlpMode.TOKENIZE);
            String a = d.session(ws, null);
            String b = d.session(ws, null);
            assertTrue(out.tracks(a) && out.tracks(b), "a redactor is made with each session");

            String a1 = token(d, a, "");
            assertEquals(a1, token(d, a, ""), "stable within the session");
            assertEquals(a1, token(d, a, "/stream"), "the streaming exec shares the session's key");
            String b1 = token(d, b, "");
            assertNotEquals(a1, b1, "the same secret must not link two sessions");

            assertEquals(204, d.send("DELETE", "/api/v1/sessions/" + a, null).status());
            assertFalse(out.tracks(a), "dropped at session end");
            assertTrue(out.tracks(b));
            assertEquals(b1, token(d, b, ""), "other sessions keep their key");
        }
    }
}

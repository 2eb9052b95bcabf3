package io.agentsh.core.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonFormatTest {
    @Test
    void indentMatchesGoMarshalIndent() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", List.of());
        m.put("b", Map.of());
        m.put("c", List.of(1, 2));
        m.put("d", "<x>&");
        assertEquals("{\n  \"a\": [],\n  \"b\": {},\n  \"c\": [\n    1,\n    2\n  ],\n  \"d\": \"\\u003cx\\u003e\\u0026\"\n}\n",
                Json.indent(m));
        assertEquals("[]\n", Json.indent(List.of()));
        assertEquals("null\n", Json.indent(null));
    }

    @Test
    void compactLine() {
        assertEquals("{\"error\":\"a<b\"}\n".replace("<", "\\u003c"),
                new String(Json.encodeLine(Map.of("error", "a<b"))));
    }

    @Test
    void goTimeTrimsZeros() {
        assertEquals("2026-06-30T18:16:27.1234Z", GoTime.format(Instant.parse("2026-06-30T18:16:27.123400000Z")));
        assertEquals("2026-06-30T18:16:27Z", GoTime.format(Instant.parse("2026-06-30T18:16:27Z")));
    }

    @Test
    void goDurations() {
        assertEquals(Duration.ofMillis(300), GoDuration.parse("300ms"));
        assertEquals(Duration.ofMinutes(90), GoDuration.parse("1h30m"));
        assertEquals(Duration.ofMillis(2500), GoDuration.parse("2.5s"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> GoDuration.parse("5"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> GoDuration.parse("1d"));
    }
}

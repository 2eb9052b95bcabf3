package io.agentsh.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmallParsersTest {
    @Test void durations() {
        assertEquals(Duration.ofMinutes(90), Durations.parse("1h30m", false));
        assertEquals(Duration.ofMillis(1500), Durations.parse("1.5s", false));
        assertEquals(Duration.ofNanos(-2_000), Durations.parse("-2us", false));
        assertEquals(Duration.ZERO, Durations.parse("0", false));
        assertEquals(Duration.ofDays(7), Durations.parse("7d", true));
        assertEquals("time: unknown unit \"d\" in duration \"7d\"",
                assertThrows(IllegalArgumentException.class, () -> Durations.parse("7d", false)).getMessage());
        assertEquals("time: missing unit in duration \"5\"",
                assertThrows(IllegalArgumentException.class, () -> Durations.parse("5", false)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("", false));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("1..5s", false));
    }

    @Test void byteSizes() {
        assertEquals(10_000_000L, Durations.parseByteSize("10MB"));
        assertEquals(10L << 20, Durations.parseByteSize("10MiB"));
        assertEquals(1_048_576L, Durations.parseByteSize("1_048_576"));
        assertEquals(5_000_000_000L, Durations.parseByteSize("5GB"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parseByteSize("10 parsecs"));
    }

    @Test void apiKeys() throws Exception {
        List<ApiKey> keys = ApiKeysLoader.load(Compat.file("reference-api-keys.yaml"));
        assertEquals("local-dev", keys.get(0).id());
        assertEquals("admin", keys.get(0).role());
        PolicyException e = assertThrows(PolicyException.class, () -> ApiKeysLoader.parse("k.yaml", """
                - id: a
                  key: s1
                - id: a
                  key: s1
                  colour: red
                """));
        assertEquals(List.of("k.yaml:3:7: [1]: duplicate id \"a\"", "k.yaml:4:8: [1]: duplicate key (same secret as an earlier entry)",
                "k.yaml:5:3: unknown key \"colour\" in [1] (expected one of: id, key, description, role)"),
                e.problems().stream().map(Problem::toString).toList());
    }
}

package io.agentsh.proxy.bench;

import io.agentsh.proxy.dlp.CustomPattern;
import java.util.List;
import java.util.Random;

/**
 * Benchmark inputs: text like what agents send and read (prose, code, logs, JSON, numbers, a
 * little base64) with a secret every couple of KB, generated from a fixed seed.
 */
public final class MixedText {

    /** The eight dlp.custom_patterns of compat/exe.dev/config.yaml (checked against the file by a test). */
    public static final List<CustomPattern> EXE_DEV_PATTERNS = List.of(
            new CustomPattern("openai_key", "OPENAI_KEY", "sk-[a-zA-Z0-9]{48,}"),
            new CustomPattern("anthropic_key", "ANTHROPIC_KEY", "sk-ant-[a-zA-Z0-9-]{95,}"),
            new CustomPattern("aws_access_key", "AWS_KEY", "AKIA[0-9A-Z]{16}"),
            new CustomPattern("github_pat", "GITHUB_TOKEN", "ghp_[a-zA-Z0-9]{36}"),
            new CustomPattern("github_oauth", "GITHUB_OAUTH", "gho_[a-zA-Z0-9]{36}"),
            new CustomPattern("jwt_token", "JWT", "eyJ[a-zA-Z0-9_-]*\\.eyJ[a-zA-Z0-9_-]*\\.[a-zA-Z0-9_-]*"),
            new CustomPattern("private_key", "PRIVATE_KEY", "-----BEGIN [A-Z]+ PRIVATE KEY-----"),
            new CustomPattern("slack_token", "SLACK_TOKEN", "xox[baprs]-[0-9]{10,13}-[0-9]{10,13}-[a-zA-Z0-9]{24}"));

    private static final String[] WORDS = ("the of and to in is that for it as was with be by on not he this are or his from at "
            + "which but have an they you were her she there been one all we their has would when if so no will more can "
            + "function return value config server request response error session policy network file process token "
            + "build deploy test commit branch merge module package import class public static void string integer").split(" ");
    private static final String[] CODE = {
        "    for (int i = 0; i < items.size(); i++) {\n",
        "    if err != nil { return fmt.Errorf(\"open %s: %w\", path, err) }\n",
        "def handler(event, context):\n    return {\"statusCode\": 200, \"body\": json.dumps(data)}\n",
        "const url = `${baseUrl}/api/v1/sessions/${id}/exec`;\n",
        "2026-11-23T01:22:49.123Z INFO request_id=7f3a2b1c status=200 duration_ms=42 bytes=18234\n",
        "{\"id\": 48213, \"name\": \"build-17\", \"version\": \"1.24.3\", \"ok\": true, \"ratio\": 0.875}\n",
        "Error: ENOENT: no such file or directory, open '/home/user/project/src/index.ts'\n",
        "commit 9f114d5d27c2472876ffcd0285d7d4613d894146\nAuthor: Dev <dev@example.com>\n",
    };
    private static final String[] SECRETS = {
        "contact alice.smith@example.org for access",
        "call (555) 123-4567 after 5pm",
        "card 4111 1111 1111 1111 exp 12/29",
        "ssn 123-45-6789 on file",
        "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
        "OPENAI_API_KEY=sk-proj" + "Ab3dE5gH7jK9mN1pQ3sT5vX7zB9dF1hJ3lN5pR7tV9xZ",
        "token ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789",
        "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
        "-----BEGIN RSA PRIVATE KEY-----",
        "SLACK=xoxb-1234567890-1234567890123-abcdefghijABCDEFGHIJ1234",
    };

    private MixedText() {
    }

    public static String generate(int size, long seed) {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder(size + 256);
        int nextSecret = 2048;
        while (sb.length() < size) {
            int kind = r.nextInt(10);
            if (kind < 6) {
                int n = 8 + r.nextInt(30);
                for (int i = 0; i < n; i++) {
                    sb.append(WORDS[r.nextInt(WORDS.length)]).append(i == n - 1 ? ".\n" : " ");
                }
            } else if (kind < 9) {
                sb.append(CODE[r.nextInt(CODE.length)]);
            } else {
                byte[] b = new byte[48 + r.nextInt(96)];
                r.nextBytes(b);
                sb.append("data: ").append(java.util.Base64.getEncoder().encodeToString(b)).append('\n');
            }
            if (sb.length() >= nextSecret) {
                sb.append(SECRETS[r.nextInt(SECRETS.length)]).append('\n');
                nextSecret += 1024 + r.nextInt(2048);
            }
        }
        sb.setLength(size);
        return sb.toString();
    }
}

package io.agentsh.proxy.llm;

import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The {@code proxy:} block of the server config plus what the daemon knows (the sessions
 * directory), as the daemon hands it over.
 *
 * @param mode              {@code proxy.mode}: embedded (default), mcp-only, anything else is off
 * @param port              {@code proxy.port}; 0 picks a free port
 * @param anthropic         {@code proxy.providers.anthropic}
 * @param openai            {@code proxy.providers.openai}
 * @param sessionsDir       {@code sessions.base_dir}; each session logs to {@code <dir>/<id>/llm-requests.jsonl}
 * @param extraTrustAnchors CAs trusted for upstream TLS on top of the system trust store
 *                          (a corporate gateway; the tests' own CA)
 * @param maxBodyBytes      the largest request or non-streamed response body accepted
 * @param upstreamTimeout   connect and idle-read timeout towards the provider
 * @param storeBodies       {@code llm_storage.store_bodies}: also keep each request and response body
 *                          (after DLP) in {@code <dir>/<id>/llm-bodies/<request_id>.json} / {@code .resp.json}
 * @param retention         {@code llm_storage.retention}, applied to ended sessions' LLM storage when a
 *                          session registers; null is {@link LlmRetention#OFF}
 */
public record LlmProxySettings(Mode mode, String bindAddress, int port, URI anthropic, URI openai,
                               RateLimitSettings rateLimits, Path sessionsDir, List<X509Certificate> extraTrustAnchors,
                               int maxBodyBytes, Duration upstreamTimeout, boolean storeBodies, LlmRetention retention) {

    /** Without retention (the storage is kept until removed by other means). */
    public LlmProxySettings(Mode mode, String bindAddress, int port, URI anthropic, URI openai, RateLimitSettings rateLimits,
                            Path sessionsDir, List<X509Certificate> extraTrustAnchors, int maxBodyBytes,
                            Duration upstreamTimeout, boolean storeBodies) {
        this(mode, bindAddress, port, anthropic, openai, rateLimits, sessionsDir, extraTrustAnchors, maxBodyBytes,
                upstreamTimeout, storeBodies, LlmRetention.OFF);
    }

    public LlmProxySettings(Mode mode, String bindAddress, int port, URI anthropic, URI openai, RateLimitSettings rateLimits,
                            Path sessionsDir, List<X509Certificate> extraTrustAnchors, int maxBodyBytes,
                            Duration upstreamTimeout) {
        this(mode, bindAddress, port, anthropic, openai, rateLimits, sessionsDir, extraTrustAnchors, maxBodyBytes,
                upstreamTimeout, false);
    }

    public static final URI DEFAULT_ANTHROPIC = URI.create("https://api.anthropic.com");
    public static final URI DEFAULT_OPENAI = URI.create("https://api.openai.com");
    /** Where the reference sends OpenAI-dialect traffic whose bearer token is not an {@code sk-} key (ChatGPT login). */
    public static final URI CHATGPT_BACKEND = URI.create("https://chatgpt.com/backend-api");

    public enum Mode {
        EMBEDDED, MCP_ONLY, OFF;

        public static Mode parse(String s) {
            if (s == null || s.isBlank()) {
                return EMBEDDED;
            }
            return switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "embedded" -> EMBEDDED;
                case "mcp-only" -> MCP_ONLY;
                default -> OFF;
            };
        }
    }

    public LlmProxySettings {
        mode = mode == null ? Mode.EMBEDDED : mode;
        bindAddress = bindAddress == null ? "127.0.0.1" : bindAddress;
        anthropic = anthropic == null ? DEFAULT_ANTHROPIC : anthropic;
        openai = openai == null ? DEFAULT_OPENAI : openai;
        rateLimits = rateLimits == null ? RateLimitSettings.NONE : rateLimits;
        Objects.requireNonNull(sessionsDir, "sessionsDir");
        extraTrustAnchors = extraTrustAnchors == null ? List.of() : List.copyOf(extraTrustAnchors);
        maxBodyBytes = maxBodyBytes <= 0 ? 32 << 20 : maxBodyBytes;
        upstreamTimeout = upstreamTimeout == null ? Duration.ofMinutes(5) : upstreamTimeout;
        retention = retention == null ? LlmRetention.OFF : retention;
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("proxy.port: " + port + " is not a port number");
        }
    }

    /** The reference's defaults with the given sessions directory. */
    public static LlmProxySettings defaults(Path sessionsDir) {
        return new LlmProxySettings(Mode.EMBEDDED, null, 0, null, null, null, sessionsDir, null, 0, null);
    }
}

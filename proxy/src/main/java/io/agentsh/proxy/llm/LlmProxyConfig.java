package io.agentsh.proxy.llm;

import io.agentsh.policy.ServerConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;

/** Builds {@link LlmProxySettings} from the loaded server config ({@code proxy:}, {@code llm_storage:}, {@code sessions.base_dir}). */
public final class LlmProxyConfig {
    private LlmProxyConfig() {
    }

    /**
     * @param extraTrustAnchors CAs to trust for upstream TLS besides the system store (usually none)
     * @throws IllegalArgumentException naming the key when a value is unusable
     */
    public static LlmProxySettings fromServerConfig(ServerConfig config, List<X509Certificate> extraTrustAnchors) {
        return new LlmProxySettings(LlmProxySettings.Mode.parse(config.string("proxy.mode")), null,
                (int) config.integer("proxy.port"), uri("proxy.providers.anthropic", config.string("proxy.providers.anthropic")),
                uri("proxy.providers.openai", config.string("proxy.providers.openai")),
                rateLimits(config.raw("proxy.rate_limits")), config.sessionsBaseDir(), extraTrustAnchors, 0, null,
                config.bool("llm_storage.store_bodies"), retention(config));
    }

    /** {@code llm_storage.retention}; the schema supplies the reference's defaults (30 days, 500 MB, oldest first). */
    static LlmRetention retention(ServerConfig config) {
        return new LlmRetention(config.integer("llm_storage.retention.max_age_days"),
                config.integer("llm_storage.retention.max_size_mb"),
                LlmRetention.Eviction.parse(config.string("llm_storage.retention.eviction")));
    }

    static URI uri(String key, String value) {
        try {
            URI u = new URI(value);
            if (u.getHost() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))) {
                throw new IllegalArgumentException(key + ": '" + value + "' is not an http(s) URL");
            }
            return u;
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalArgumentException(key + ": '" + value + "' is not a URL");
        }
    }

    /** {@code proxy.rate_limits} as plain YAML values. */
    public static RateLimitSettings rateLimits(Object raw) {
        if (raw == null) {
            return RateLimitSettings.NONE;
        }
        if (!(raw instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("proxy.rate_limits: expected a mapping");
        }
        return new RateLimitSettings(Boolean.TRUE.equals(m.get("enabled")), (int) number(m, "requests_per_minute"),
                (int) number(m, "request_burst"), number(m, "tokens_per_minute"), number(m, "token_burst"));
    }

    private static long number(Map<?, ?> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            return 0;
        }
        if (v instanceof Number n && n.longValue() >= 0) {
            return n.longValue();
        }
        throw new IllegalArgumentException("proxy.rate_limits." + key + ": expected a non-negative number, got '" + v + "'");
    }
}

package io.agentsh.proxy.net;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The variables that point a session's commands at its proxy (reference §1.2: the six proxy
 * variables in both cases, NO_PROXY/no_proxy with loopback so local services such as the LLM
 * proxy are reached directly).
 */
public final class ProxyEnvironment {
    private static final String LOOPBACK = "localhost,127.0.0.1,::1";

    private ProxyEnvironment() {}

    public static Map<String, String> of(String proxyUrl) {
        return of(proxyUrl, null);
    }

    /** @param existingNoProxy a NO_PROXY the command already had (its entries are kept), or null */
    public static Map<String, String> of(String proxyUrl, String existingNoProxy) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String k : new String[] {"HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"}) {
            env.put(k, proxyUrl);
            env.put(k.toLowerCase(java.util.Locale.ROOT), proxyUrl);
        }
        String noProxy = mergeNoProxy(existingNoProxy);
        env.put("NO_PROXY", noProxy);
        env.put("no_proxy", noProxy);
        return env;
    }

    static String mergeNoProxy(String existing) {
        Set<String> tokens = new LinkedHashSet<>();
        for (String t : LOOPBACK.split(",")) tokens.add(t);
        if (existing != null) {
            for (String t : existing.split(",")) {
                String s = t.strip();
                if (!s.isEmpty()) tokens.add(s);
            }
        }
        return String.join(",", tokens);
    }
}

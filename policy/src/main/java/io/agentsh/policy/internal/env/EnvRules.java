package io.agentsh.policy.internal.env;

import io.agentsh.policy.EnvCheck;
import io.agentsh.policy.EnvLimitException;
import io.agentsh.policy.internal.match.Glob;
import io.agentsh.policy.internal.match.GlobSyntaxException;
import io.agentsh.policy.model.EnvPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Compiled env policy (reference §12): deny globs first; with no allow list the built-in secret
 * deny list applies and everything else passes; with an allow list only matching names pass.
 */
public final class EnvRules {
    /** Names denied by default when the policy has no allow list. */
    public static final Set<String> DEFAULT_SECRET_DENY = Set.of(
            "GOOGLE_APPLICATION_CREDENTIALS", "SSH_AUTH_SOCK", "DOCKER_HOST", "KUBECONFIG", "GITHUB_TOKEN", "GH_TOKEN",
            "LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT", "LD_DEBUG", "LD_DEBUG_OUTPUT", "LD_PROFILE", "LD_BIND_NOW",
            "LD_ORIGIN_PATH", "LD_DYNAMIC_WEAK", "LD_SHOW_AUXV", "LD_USE_LOAD_BIAS",
            "DYLD_INSERT_LIBRARIES", "DYLD_LIBRARY_PATH", "DYLD_FRAMEWORK_PATH", "DYLD_FALLBACK_LIBRARY_PATH",
            "PYTHONPATH", "PYTHONSTARTUP", "PYTHONHOME", "PYTHONUSERBASE", "RUBYLIB", "RUBYOPT", "PERL5LIB", "PERL5OPT",
            "PERLLIB", "NODE_PATH", "NODE_OPTIONS", "BASH_ENV", "ENV", "SHELLOPTS", "BASHOPTS", "CDPATH", "GLOBIGNORE",
            "MAILPATH", "PROMPT_COMMAND", "GIT_ASKPASS", "SSH_ASKPASS", "GIT_SSH_COMMAND");
    private static final String[] DEFAULT_SECRET_PREFIXES = {"AWS_", "AZURE_", "LD_", "DYLD_"};

    private final List<String> allowPatterns, denyPatterns;
    private final Glob[] allow, deny;
    private final int maxKeys, maxBytes;
    private final boolean blockIteration;
    private final String envShimPath;

    public EnvRules(EnvPolicy p, String envShimPath) throws GlobSyntaxException {
        this(p.allow(), p.deny(), p.maxKeys() == null ? 0 : p.maxKeys(), p.maxBytes() == null ? 0 : p.maxBytes(),
                Boolean.TRUE.equals(p.blockIteration()), envShimPath);
    }

    private EnvRules(List<String> allow, List<String> deny, int maxKeys, int maxBytes, boolean blockIteration,
                     String envShimPath) throws GlobSyntaxException {
        this.allowPatterns = dedupe(allow);
        this.denyPatterns = dedupe(deny);
        this.allow = compile(allowPatterns);
        this.deny = compile(denyPatterns);
        this.maxKeys = maxKeys;
        this.maxBytes = maxBytes;
        this.blockIteration = blockIteration;
        this.envShimPath = envShimPath;
    }

    /** A command rule's overrides merged over this (non-empty lists replace, limits > 0 replace, flag replaces). */
    public EnvRules merge(List<String> allowO, List<String> denyO, Integer maxBytesO, Integer maxKeysO, Boolean blockO)
            throws GlobSyntaxException {
        return new EnvRules(allowO == null || allowO.isEmpty() ? allowPatterns : allowO,
                denyO == null || denyO.isEmpty() ? denyPatterns : denyO,
                maxKeysO != null && maxKeysO > 0 ? maxKeysO : maxKeys,
                maxBytesO != null && maxBytesO > 0 ? maxBytesO : maxBytes,
                blockO != null ? blockO : blockIteration, envShimPath);
    }

    private static List<String> dedupe(List<String> l) { return List.copyOf(new java.util.LinkedHashSet<>(l)); }

    private static Glob[] compile(List<String> pats) throws GlobSyntaxException {
        Glob[] out = new Glob[pats.size()];
        for (int i = 0; i < out.length; i++) out[i] = Glob.compile(pats.get(i), (char) 0);
        return out;
    }

    public EnvCheck check(String name) {
        for (int i = 0; i < deny.length; i++) if (deny[i].matches(name)) return new EnvCheck(false, "deny", denyPatterns.get(i));
        if (allow.length == 0) {
            if (isDefaultSecret(name)) return new EnvCheck(false, "default-secret-deny", name);
            return new EnvCheck(true, "default-allow", "");
        }
        for (int i = 0; i < allow.length; i++) if (allow[i].matches(name)) return new EnvCheck(true, "allow", allowPatterns.get(i));
        return new EnvCheck(false, "default-deny", "");
    }

    static boolean isDefaultSecret(String name) {
        if (DEFAULT_SECRET_DENY.contains(name)) return true;
        for (String p : DEFAULT_SECRET_PREFIXES) if (name.startsWith(p)) return true;
        return false;
    }

    public int maxKeys() { return maxKeys; }
    public int maxBytes() { return maxBytes; }
    public boolean blockIteration() { return blockIteration; }

    public List<String> build(Map<String, String> base, Map<String, String> request, Map<String, String> inject)
            throws EnvLimitException {
        TreeMap<String, String> env = new TreeMap<>();
        if (base != null) base.forEach((k, v) -> { if (v != null && !v.isEmpty()) env.put(k, v); });
        if (request != null) {
            for (var e : request.entrySet()) {
                String v = e.getValue();
                if (v == null || v.isEmpty()) continue;
                if (check(e.getKey()).allowed()) env.put(e.getKey(), v);
                else env.remove(e.getKey());
            }
        }
        env.put("AGENTSH_IN_SESSION", "1");
        if (blockIteration && envShimPath != null && !envShimPath.isEmpty()) env.put("LD_PRELOAD", envShimPath);
        if (inject != null) inject.forEach((k, v) -> { if (v != null && !v.isEmpty()) env.put(k, v); });
        List<String> out = new ArrayList<>(env.size());
        long bytes = 0;
        for (var e : env.entrySet()) {
            String kv = e.getKey() + "=" + e.getValue();
            bytes += kv.length() + 1;
            out.add(kv);
        }
        if (maxKeys > 0 && out.size() > maxKeys) throw new EnvLimitException("env exceeds max_keys (" + maxKeys + ")");
        if (maxBytes > 0 && bytes > maxBytes) throw new EnvLimitException("env exceeds max_bytes (" + maxBytes + ")");
        return out;
    }
}

package io.agentsh.policy;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * How a policy is compiled: variables for {@code ${VAR}} expansion, approval mode and the read /
 * shell-script hardening switches from the server config. Immutable; build with {@link #builder()}.
 *
 * <p>Variables: {@code ${NAME}} / {@code ${NAME:-fallback}} resolve from {@link #variables()}, then
 * {@link #environment()} (non-empty values), then the fallback. Anything still undefined is a
 * compile error, or, when {@link #skipUndefinedVariables()} (the global engine, which has no
 * session and so no PROJECT_ROOT), the pattern is left out with a warning instead of being
 * compiled literally.
 */
public final class EngineOptions {

    /** Built-in protected paths (CONTRACT §2): reads never fall through to a catch-all for these. */
    public static final List<String> DEFAULT_PROTECTED_PATHS = List.of(
            "/etc/shadow", "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-", "/etc/sudoers*", "/etc/sudoers.d/**",
            "/etc/ssh/ssh_host_*", "/proc/kcore");

    /** Directories the dynamic loader reads from: reads there are allowed even under a catch-all deny. */
    public static final List<String> DEFAULT_LOADER_PATHS = List.of(
            "/lib", "/lib64", "/usr/lib", "/usr/lib64", "/usr/libexec", "/etc/ld.so.cache", "/etc/ld.so.conf",
            "/etc/ld.so.conf.d", "/etc/ld.so.preload");

    private final Map<String, String> variables;
    private final Function<String, String> environment;
    private final boolean skipUndefinedVariables;
    private final boolean approvalsEnabled;
    private final boolean approvalsWhenDisabledAllow;
    private final boolean strictReads;
    private final List<String> protectedPaths;
    private final List<String> readRoots;
    private final List<String> alwaysDenied;
    private final ShellcOpaqueMode shellcOpaque;
    private final boolean execveEnforcement;
    private final Map<String, String> envInject;
    private final String envShimPath;

    private EngineOptions(Builder b) {
        this.variables = Map.copyOf(b.variables);
        this.environment = b.environment;
        this.skipUndefinedVariables = b.skipUndefinedVariables;
        this.approvalsEnabled = b.approvalsEnabled;
        this.approvalsWhenDisabledAllow = b.approvalsWhenDisabledAllow;
        this.strictReads = b.strictReads;
        this.protectedPaths = List.copyOf(b.protectedPaths);
        this.readRoots = List.copyOf(b.readRoots);
        this.alwaysDenied = List.copyOf(b.alwaysDenied);
        this.shellcOpaque = b.shellcOpaque;
        this.execveEnforcement = b.execveEnforcement;
        this.envInject = Map.copyOf(b.envInject);
        this.envShimPath = b.envShimPath;
    }

    public static Builder builder() { return new Builder(); }

    /** Defaults: no variables, process environment, approvals disabled (approve denies), enforce opaque scripts. */
    public static EngineOptions defaults() { return builder().build(); }

    /**
     * The global (session-less) engine: HOME (and any other variable) from the process environment,
     * PROJECT_ROOT / GIT_ROOT normally unset, so patterns using them are skipped with a warning.
     */
    public static EngineOptions global() { return builder().skipUndefinedVariables(true).build(); }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.variables = variables; b.environment = environment; b.skipUndefinedVariables = skipUndefinedVariables;
        b.approvalsEnabled = approvalsEnabled; b.approvalsWhenDisabledAllow = approvalsWhenDisabledAllow;
        b.strictReads = strictReads; b.protectedPaths = protectedPaths; b.readRoots = readRoots;
        b.alwaysDenied = alwaysDenied;
        b.shellcOpaque = shellcOpaque; b.execveEnforcement = execveEnforcement; b.envInject = envInject;
        b.envShimPath = envShimPath;
        return b;
    }

    public Map<String, String> variables() { return variables; }
    public Function<String, String> environment() { return environment; }
    public boolean skipUndefinedVariables() { return skipUndefinedVariables; }
    public boolean approvalsEnabled() { return approvalsEnabled; }
    /** {@code approvals.when_disabled: allow}: approve rules allow while approvals are off (reference behaviour). */
    public boolean approvalsWhenDisabledAllow() { return approvalsWhenDisabledAllow; }
    /** {@code sandbox.seccomp.file_monitor.strict_reads}: catch-all file rules decide reads too. */
    public boolean strictReads() { return strictReads; }
    /** Globs (with {@code /} separator, variables allowed) of paths reads can never reach through a catch-all. */
    public List<String> protectedPaths() { return protectedPaths; }
    /** {@code landlock.allow_read} roots (plus the loader paths, always): catch-all reads inside are allowed. */
    public List<String> readRoots() { return readRoots; }
    /**
     * Absolute paths (and everything beneath them) no policy can grant, for any operation: the
     * daemon's own secrets (operator token, API keys file). Checked before the rules; rule name
     * {@code protect-agentsh-secrets}.
     */
    public List<String> alwaysDenied() { return alwaysDenied; }
    public ShellcOpaqueMode shellcOpaque() { return shellcOpaque; }
    /** Whether exec-time enforcement (seccomp execve or ptrace) sees every command a script runs. */
    public boolean execveEnforcement() { return execveEnforcement; }
    /** {@code sandbox.env_inject}; the policy's {@code env_inject} wins on conflict. */
    public Map<String, String> envInject() { return envInject; }
    /** {@code policies.env_shim_path}, used with {@code block_iteration}; null when unset. */
    public String envShimPath() { return envShimPath; }

    public static final class Builder {
        private Map<String, String> variables = Map.of();
        private Function<String, String> environment = System::getenv;
        private boolean skipUndefinedVariables;
        private boolean approvalsEnabled;
        private boolean approvalsWhenDisabledAllow;
        private boolean strictReads;
        private List<String> protectedPaths = DEFAULT_PROTECTED_PATHS;
        private List<String> readRoots = List.of();
        private List<String> alwaysDenied = List.of();
        private ShellcOpaqueMode shellcOpaque = ShellcOpaqueMode.ENFORCE;
        private boolean execveEnforcement;
        private Map<String, String> envInject = Map.of();
        private String envShimPath;

        private Builder() {}

        public Builder variables(Map<String, String> v) { this.variables = Objects.requireNonNull(v); return this; }
        public Builder variable(String name, String value) {
            java.util.HashMap<String, String> m = new java.util.HashMap<>(variables);
            m.put(name, value);
            this.variables = m;
            return this;
        }
        /** Lookup for variables not in {@link #variables}; pass {@code k -> null} to ignore the process environment. */
        public Builder environment(Function<String, String> env) { this.environment = Objects.requireNonNull(env); return this; }
        public Builder skipUndefinedVariables(boolean b) { this.skipUndefinedVariables = b; return this; }
        public Builder approvalsEnabled(boolean b) { this.approvalsEnabled = b; return this; }
        public Builder approvalsWhenDisabledAllow(boolean b) { this.approvalsWhenDisabledAllow = b; return this; }
        public Builder strictReads(boolean b) { this.strictReads = b; return this; }
        public Builder protectedPaths(List<String> p) { this.protectedPaths = Objects.requireNonNull(p); return this; }
        public Builder readRoots(List<String> r) { this.readRoots = Objects.requireNonNull(r); return this; }
        public Builder alwaysDenied(List<String> p) { this.alwaysDenied = Objects.requireNonNull(p); return this; }
        public Builder shellcOpaque(ShellcOpaqueMode m) { this.shellcOpaque = Objects.requireNonNull(m); return this; }
        public Builder execveEnforcement(boolean b) { this.execveEnforcement = b; return this; }
        public Builder envInject(Map<String, String> m) { this.envInject = Objects.requireNonNull(m); return this; }
        public Builder envShimPath(String p) { this.envShimPath = p; return this; }
        public EngineOptions build() { return new EngineOptions(this); }
    }
}

package io.agentsh.core.policy;

import io.agentsh.policy.Engine;
import io.agentsh.policy.EngineOptions;
import io.agentsh.policy.Policy;
import io.agentsh.policy.PolicyException;
import io.agentsh.policy.PolicyLoader;
import io.agentsh.policy.Problem;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Logger;

/**
 * Policies from {@code policies.dir}, compiled per session with its variables, and kept current:
 * a named watcher thread polls each policy file's mtime/size; a changed file is re-read and every
 * open handle on it recompiled and swapped. An invalid edit is logged with file:line:col and the
 * last good policy stays in force (CONTRACT §2).
 */
public final class FilePolicyProvider implements PolicyProvider {
    private static final Logger LOG = Logger.getLogger(FilePolicyProvider.class.getName());

    private record Stamp(long mtimeNanos, long size) {}

    private static final class Watched {
        final Path file;
        final String name;
        final Map<String, String> variables;
        final EngineOptions options;
        final WeakReference<PolicyHandle> handle;

        Watched(Path file, String name, Map<String, String> variables, EngineOptions options, PolicyHandle handle) {
            this.file = file;
            this.name = name;
            this.variables = variables;
            this.options = options;
            this.handle = new WeakReference<>(handle);
        }
    }

    private final Path dir;
    private final String defaultName;
    private final EngineOptions.Builder baseOptions;
    private final List<Watched> watched = new CopyOnWriteArrayList<>();
    private final Map<Path, Stamp> stamps = new HashMap<>();
    private final Map<Path, Policy> lastGood = new java.util.concurrent.ConcurrentHashMap<>();
    private final Thread watcher;
    private volatile PolicyHandle global;
    private volatile boolean closed;

    /**
     * @param baseOptions engine options from the server config (approvals, env_inject, ...); the
     *                    session's variables are added per session
     */
    public FilePolicyProvider(Path dir, String defaultName, EngineOptions.Builder baseOptions, Duration poll) {
        this.dir = dir;
        this.defaultName = defaultName;
        this.baseOptions = baseOptions;
        loadGlobal();
        long every = Math.max(100, poll.toMillis());
        watcher = Thread.ofPlatform().name("agentsh-policy-watch").daemon(true).start(() -> {
            while (!closed) {
                try {
                    Thread.sleep(every);
                    poll();
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.warning("policy watcher: " + e);
                }
            }
        });
    }

    private void loadGlobal() {
        try {
            Path file = PolicyLoader.resolve(dir, defaultName);
            EngineOptions opts = baseOptions.build().toBuilder().skipUndefinedVariables(true).build();
            stamp(file);
            Policy p = PolicyLoader.load(file);
            lastGood.put(file, p);
            Engine engine = Engine.compile(p, opts);
            global = new PolicyHandle(new EnginePolicy(defaultName, engine));
            watched.add(new Watched(file, defaultName, Map.of(), opts, global));
        } catch (PolicyException e) {
            LOG.severe("global policy \"" + defaultName + "\" not loaded:\n" + e.getMessage());
        }
    }

    @Override
    public PolicyHandle open(String name, Map<String, String> variables) throws PolicyResolveException {
        Path file;
        try {
            file = PolicyLoader.resolve(dir, name);
        } catch (PolicyException e) {
            throw new PolicyResolveException(400, "resolve policy: " + firstMessage(e));
        }
        Policy policy = current(file);
        EngineOptions opts = baseOptions.build().toBuilder().variables(Map.copyOf(variables)).build();
        try {
            PolicyHandle h = new PolicyHandle(new EnginePolicy(name, Engine.compile(policy, opts)));
            watched.add(new Watched(file, name, Map.copyOf(variables), opts, h));
            return h;
        } catch (PolicyException e) {
            throw new PolicyResolveException(400, "compile policy: " + e.getMessage());
        }
    }

    /**
     * The policy in force for {@code file}: the parsed copy when the file is unchanged since it was
     * last read; else the file re-read; and when that fails, the last good version (the watcher
     * then reports the bad edit). Only a file that never loaded fails the session (HTTP 500).
     */
    private Policy current(Path file) throws PolicyResolveException {
        Policy cached = lastGood.get(file);
        Stamp seen;
        synchronized (this) {
            seen = stamps.get(file);
        }
        if (cached != null && readStamp(file).equals(seen)) return cached;
        try {
            Policy p = PolicyLoader.load(file);
            if (seen == null) {
                synchronized (this) {
                    stamps.putIfAbsent(file, readStamp(file));
                }
                lastGood.putIfAbsent(file, p);
            }
            return p;
        } catch (PolicyException e) {
            if (cached != null) {
                LOG.warning("policy " + file + " is invalid; new session uses the last good version:\n"
                        + describe(e.problems()));
                return cached;
            }
            throw new PolicyResolveException(500, "load policy: " + e.getMessage());
        }
    }

    private static String firstMessage(PolicyException e) {
        return e.problems().isEmpty() ? e.getMessage() : e.problems().get(0).message();
    }

    @Override
    public PolicyHandle global() {
        return global;
    }

    @Override
    public boolean ready() {
        return global != null;
    }

    private synchronized boolean stamp(Path file) {
        Stamp now = readStamp(file);
        Stamp before = stamps.put(file, now);
        return before != null && !Objects.equals(before, now);
    }

    private static Stamp readStamp(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            java.time.Instant t = a.lastModifiedTime().toInstant();
            return new Stamp(t.getEpochSecond() * 1_000_000_000L + t.getNano(), a.size());
        } catch (IOException e) {
            return new Stamp(-1, -1);
        }
    }

    /** One pass: reload every changed file; public for tests that do not want to wait. */
    public void poll() {
        watched.removeIf(w -> w.handle.get() == null);
        Map<Path, List<Watched>> byFile = new HashMap<>();
        for (Watched w : watched) byFile.computeIfAbsent(w.file, k -> new ArrayList<>()).add(w);
        boolean globalMissing = global == null;
        for (Map.Entry<Path, List<Watched>> e : byFile.entrySet()) {
            if (stamp(e.getKey())) reload(e.getKey(), e.getValue());
        }
        if (globalMissing) loadGlobal();
    }

    private void reload(Path file, List<Watched> users) {
        Policy policy;
        try {
            policy = PolicyLoader.load(file);
        } catch (PolicyException e) {
            LOG.severe("policy " + file + " changed but is invalid; keeping the last good version:\n"
                    + describe(e.problems()));
            return;
        }
        lastGood.put(file, policy);
        int swapped = 0;
        for (Watched w : users) {
            PolicyHandle h = w.handle.get();
            if (h == null) continue;
            try {
                h.swap(new EnginePolicy(w.name, Engine.compile(policy, w.options)));
                swapped++;
            } catch (PolicyException e) {
                LOG.severe("policy " + file + " changed but does not compile; keeping the last good version:\n"
                        + describe(e.problems()));
                return;
            }
        }
        LOG.info("policy " + file + " reloaded (" + swapped + " engines)");
    }

    private static String describe(List<Problem> problems) {
        StringBuilder sb = new StringBuilder();
        for (Problem p : problems) sb.append("  ").append(p).append('\n');
        return sb.toString();
    }

    @Override
    public void close() {
        closed = true;
        watcher.interrupt();
    }
}

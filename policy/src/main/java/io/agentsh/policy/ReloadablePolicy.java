package io.agentsh.policy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Objects;

/**
 * A policy file and the engine compiled from its last good version (CONTRACT §2: policies reload
 * when their file changes; an invalid edit is rejected and the last good policy stays in force).
 * The caller decides when to look (a watch service, a timer, a request); {@link #reloadIfChanged}
 * re-reads only when size, mtime or content hash changed. Thread-safe: {@link #engine()} is a
 * volatile read.
 */
public final class ReloadablePolicy {
    /** What a reload attempt did. {@code problems}: why the new version was rejected (empty otherwise). */
    public record Outcome(boolean changed, boolean applied, List<Problem> problems) {}

    private final Path file;
    private final EngineOptions options;
    private volatile Engine engine;
    private Stamp stamp;

    private record Stamp(long size, long mtime, String sha256) {}

    private ReloadablePolicy(Path file, EngineOptions options, Engine engine, Stamp stamp) {
        this.file = file;
        this.options = options;
        this.engine = engine;
        this.stamp = stamp;
    }

    /** Loads and compiles {@code file}; fails when the first version is invalid (there is no last good one). */
    public static ReloadablePolicy open(Path file, EngineOptions options) throws PolicyException {
        Objects.requireNonNull(options);
        Stamp s = stampOf(file);
        Engine e = Engine.compile(PolicyLoader.load(file), options);
        return new ReloadablePolicy(file, options, e, s);
    }

    public Path file() { return file; }

    /** The engine of the last good version. */
    public Engine engine() { return engine; }

    /** Re-reads the file if it changed; applies it only if it loads and compiles. */
    public synchronized Outcome reloadIfChanged() {
        Stamp now;
        try {
            now = stampOf(file);
        } catch (PolicyException e) {
            return new Outcome(true, false, e.problems());
        }
        if (now.equals(stamp)) return new Outcome(false, false, List.of());
        try {
            Engine e = Engine.compile(PolicyLoader.load(file), options);
            engine = e;
            stamp = now;
            return new Outcome(true, true, List.of());
        } catch (PolicyException ex) {
            stamp = now; // report a broken version once, not on every poll
            return new Outcome(true, false, ex.problems());
        }
    }

    private static Stamp stampOf(Path file) throws PolicyException {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            byte[] bytes = Files.readAllBytes(file);
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return new Stamp(a.size(), a.lastModifiedTime().toMillis(), java.util.HexFormat.of().formatHex(md.digest(bytes)));
        } catch (IOException e) {
            throw new PolicyException(new Problem(file.toString(), 0, 0, Problem.Severity.ERROR,
                    "cannot read policy: " + PolicyLoader.describe(e)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

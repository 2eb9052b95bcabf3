package io.agentsh.proxy.llm;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Applies {@link LlmRetention} to {@code <sessions_dir>}: first the LLM storage last written
 * more than {@code max_age_days} ago goes, then, while all LLM storage together is over
 * {@code max_size_mb}, ended sessions' storage in eviction order.
 *
 * <p>Only LLM storage is removed: a session's {@code llm-requests.jsonl} and the files of its
 * {@code llm-bodies/}, then the session directory itself when nothing else is left in it. The
 * reference removes whole session directories; ours can hold other layers' files (a FUSE mount
 * point, the trash), which retention of LLM logs must never touch. Storage of a session that is
 * still active is counted but never removed, and links are never followed.
 */
final class LlmStorageCleaner {
    private static final Logger LOG = Logger.getLogger(LlmStorageCleaner.class.getName());
    private static final Pattern SESSION_DIR = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    static final String BODIES_DIR = "llm-bodies";

    /** One session's LLM storage as found on disk. */
    record Stored(String sessionId, Path dir, List<Path> files, long bytes, Instant lastWritten) {
    }

    /** What a run removed. */
    record Result(List<String> sessions, long bytesFreed) {
        static final Result NONE = new Result(List.of(), 0);
    }

    private LlmStorageCleaner() {
    }

    /**
     * @param active true for a session id whose storage must stay (asked again right before each removal)
     */
    static Result run(Path sessionsDir, LlmRetention retention, Predicate<String> active, Instant now) throws IOException {
        if (!retention.enabled() || !Files.isDirectory(sessionsDir, LinkOption.NOFOLLOW_LINKS)) {
            return Result.NONE;
        }
        List<Stored> all = scan(sessionsDir);
        List<String> removed = new ArrayList<>();
        long freed = 0;
        List<Stored> kept = new ArrayList<>();
        Instant cutoff = now.minus(Duration.ofDays(retention.maxAgeDays()));
        for (Stored s : all) {
            if (retention.maxAgeDays() > 0 && s.lastWritten().isBefore(cutoff) && !active.test(s.sessionId())
                    && remove(s, "age")) {
                removed.add(s.sessionId());
                freed += s.bytes();
            } else {
                kept.add(s);
            }
        }
        long total = kept.stream().mapToLong(Stored::bytes).sum();
        if (retention.maxSizeMb() > 0 && total > retention.maxBytes()) {
            Comparator<Stored> order = retention.eviction() == LlmRetention.Eviction.LARGEST_FIRST
                    ? Comparator.comparingLong(Stored::bytes).reversed()
                    : Comparator.comparing(Stored::lastWritten);
            for (Stored s : kept.stream().sorted(order.thenComparing(Stored::sessionId)).toList()) {
                if (total <= retention.maxBytes()) {
                    break;
                }
                if (!active.test(s.sessionId()) && remove(s, "size")) {
                    removed.add(s.sessionId());
                    freed += s.bytes();
                    total -= s.bytes();
                }
            }
        }
        if (!removed.isEmpty()) {
            LOG.info("llm storage retention: removed " + removed.size() + " session(s)' LLM logs, "
                    + freed + " bytes, under " + sessionsDir);
        }
        return new Result(List.copyOf(removed), freed);
    }

    /** Every session directory holding LLM storage. */
    static List<Stored> scan(Path sessionsDir) throws IOException {
        List<Stored> out = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(sessionsDir)) {
            for (Path dir : dirs) {
                String id = dir.getFileName().toString();
                if (SESSION_DIR.matcher(id).matches() && Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                    Stored s = stored(id, dir);
                    if (s != null) {
                        out.add(s);
                    }
                }
            }
        }
        return out;
    }

    private static Stored stored(String id, Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        long bytes = 0;
        Instant last = Instant.EPOCH;
        Path log = dir.resolve(RequestLog.FILE_NAME);
        Path bodies = dir.resolve(BODIES_DIR);
        List<Path> candidates = new ArrayList<>();
        candidates.add(log);
        if (Files.isDirectory(bodies, LinkOption.NOFOLLOW_LINKS)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(bodies)) {
                ds.forEach(candidates::add);
            }
        }
        for (Path f : candidates) {
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                continue;
            }
            if (!a.isRegularFile()) {
                continue; // the bodies dir holds only files we wrote; anything else is not ours to judge
            }
            files.add(f);
            bytes += a.size();
            Instant m = a.lastModifiedTime().toInstant();
            if (m.isAfter(last)) {
                last = m;
            }
        }
        return files.isEmpty() ? null : new Stored(id, dir, List.copyOf(files), bytes, last);
    }

    /** Deletes the session's LLM files, then the bodies dir and the session dir if they are empty. */
    private static boolean remove(Stored s, String reason) {
        try {
            for (Path f : s.files()) {
                Files.deleteIfExists(f);
            }
            deleteIfEmpty(s.dir().resolve(BODIES_DIR));
            deleteIfEmpty(s.dir());
            LOG.info(() -> "llm storage retention: session " + s.sessionId() + " removed (" + reason + ", "
                    + s.bytes() + " bytes, last written " + s.lastWritten() + ")");
            return true;
        } catch (IOException e) {
            LOG.warning("llm storage retention: " + s.dir() + ": " + e.getMessage());
            return false;
        }
    }

    private static void deleteIfEmpty(Path dir) throws IOException {
        try {
            if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.delete(dir);
            }
        } catch (DirectoryNotEmptyException | NoSuchFileException e) {
            // other files live there: they stay
        }
    }
}

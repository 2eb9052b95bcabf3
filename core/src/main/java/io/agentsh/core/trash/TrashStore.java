package io.agentsh.core.trash;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The on-disk trash: {@code payload/<token>} (the moved file, symlink or whole directory),
 * {@code manifest/<token>.json} (a {@link TrashEntry}) and {@code journal/} (intents of
 * operations in flight). Survives restarts: all state is on disk, and opening a store repairs
 * whatever a crash left half-done.
 *
 * <p>Crash safety: on the same filesystem a divert is one rename(2), so the file is always in
 * exactly one place, whatever happens; journal and manifest are then written without fsync
 * (about 20 ms per file+directory sync pair on a VM disk would make {@code rm -r} crawl): a
 * daemon crash loses nothing (the page cache survives it), and after a power loss a payload
 * whose manifest was lost is adopted on the next open as an entry restorable with {@code --to}.
 * Across filesystems, where the source is deleted, the payload is copied under a temporary
 * name, synced, renamed into place, the manifest synced, and only then is the source removed.
 * Thread-safe, and safe against other processes (the CLI) through a lock file.
 */
public final class TrashStore implements AutoCloseable {
    /** The reference's {@code hash_small_files_under} default. */
    public static final long DEFAULT_HASH_LIMIT = 1_000_000L;
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static final String PARTIAL = ".partial";
    /** original_path of an entry whose manifest was lost: restore needs an explicit destination. */
    public static final String ORPHAN_PATH = "";
    private static final java.nio.file.attribute.FileAttribute<?> MANIFEST_MODE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----"));

    /** Test seam: lets a test stop an operation at a named point, as a crash would. */
    interface FailPoint { void reached(String point) throws IOException; }

    private final Path root;
    private final Path payloads;
    private final Path manifests;
    private final Path journals;
    private final long hashLimit;
    private final Clock clock;
    private final TokenGenerator tokens;
    private final ReentrantLock lock = new ReentrantLock();
    private final FileChannel lockFile;
    private final RecoveryReport recovery;
    /**
     * st_dev of {@code payload/}, read by the first divert and then kept (it was read on every one);
     * guarded by the store lock. Were it to go stale (something mounted over the trash while open),
     * a rename it wrongly allows fails with EXDEV and falls back to the copy path, and a copy it
     * wrongly demands is merely slower.
     */
    private Object payloadsDev;
    volatile FailPoint failPoint = p -> { };

    private TrashStore(Path root, long hashLimit, Clock clock) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.payloads = this.root.resolve("payload");
        this.manifests = this.root.resolve("manifest");
        this.journals = this.root.resolve("journal");
        this.hashLimit = hashLimit;
        this.clock = clock;
        this.tokens = new TokenGenerator(clock);
        for (Path d : List.of(this.root, payloads, manifests, journals)) {
            if (!Files.isDirectory(d)) {
                Files.createDirectories(d);
                // The trash holds other people's deleted files: owner only.
                Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx------"));
            }
        }
        this.lockFile = FileChannel.open(this.root.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        this.recovery = withLock(this::recoverLocked);
    }

    /** Opens (creating if needed) the store at {@code root} and repairs interrupted operations. */
    public static TrashStore open(Path root) throws IOException { return open(root, DEFAULT_HASH_LIMIT, Clock.systemUTC()); }

    /** @param hashLimit regular files up to this size get a SHA-256 (negative: all files) */
    public static TrashStore open(Path root, long hashLimit, Clock clock) throws IOException {
        return new TrashStore(root, hashLimit, clock);
    }

    public Path root() { return root; }

    /** What opening this store repaired. */
    public RecoveryReport recovery() { return recovery; }

    // ---- divert --------------------------------------------------------------------------

    /**
     * Moves {@code source} (file, symlink, or directory with everything in it) into the trash.
     *
     * @param source       where the victim is now (as the daemon sees it)
     * @param originalPath the path to record and to restore to (the path the user knows)
     * @throws NoSuchFileException when the source does not exist
     */
    public TrashEntry divert(Path source, String originalPath, String session, String rule, String command) throws IOException {
        return withLock(() -> divertLocked(source, originalPath, session, rule, command));
    }

    private TrashEntry divertLocked(Path source, String originalPath, String session, String rule, String command)
            throws IOException {
        FileSnapshot.Node n = FileSnapshot.node(source);
        boolean dir = TrashEntry.TYPE_DIR.equals(n.type());
        List<TreeEntry> tree = dir ? FileSnapshot.tree(source, FileSnapshot.NO_HASHES) : null;   // metadata now, hashes after the move
        long size = dir ? tree.stream().filter(t -> TrashEntry.TYPE_FILE.equals(t.type())).mapToLong(TreeEntry::size).sum()
                : n.size();
        String token = tokens.next(this::taken);
        Path payload = payloads.resolve(token);
        String storage = sameFileSystem(source) ? TrashEntry.STORAGE_RENAME : TrashEntry.STORAGE_COPY;
        TrashEntry entry = new TrashEntry(token, originalPath, payload.toString(), size, null, null, n.mode(), n.uid(),
                n.gid(), n.mtime(), n.atime(), session, command, rule, clock.instant(), n.type(), n.symlinkTarget(),
                storage, n.dev(), n.ino(), tree);
        boolean copy = storage.equals(TrashEntry.STORAGE_COPY);
        Path journal = writeJournal(new JournalRecord(JournalRecord.DIVERT, entry, source.toString(), null), copy);
        failPoint.reached("divert:journaled");
        if (storage.equals(TrashEntry.STORAGE_RENAME)) {
            try {
                Files.move(source, payload, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {   // EXDEV: a bind mount or a mount we did not see
                entry = entry.withStorage(TrashEntry.STORAGE_COPY);
                copy = true;
                journal = writeJournal(new JournalRecord(JournalRecord.DIVERT, entry, source.toString(), null), true);
                copyOut(source, payload);
            }
        } else {
            copyOut(source, payload);
        }
        failPoint.reached("divert:moved");
        TrashEntry done = withHashes(entry, payload);
        writeManifest(done, copy);
        deleteFile(journal);   // last, as before: the journal outlives every other step
        return done;
    }

    /** Cross-filesystem divert: durable copy under a temporary name, then publish, then remove the source. */
    private void copyOut(Path source, Path payload) throws IOException {
        Path partial = payloads.resolve(payload.getFileName() + PARTIAL);
        TreeOps.deleteTree(partial);
        TreeOps.durableCopy(source, partial);
        failPoint.reached("divert:copied");
        Files.move(partial, payload, StandardCopyOption.ATOMIC_MOVE);
        TreeOps.fsync(payloads);
        failPoint.reached("divert:published");   // from here the journal says: payload complete, finish removing the source
        TreeOps.deleteTree(source);
        Path parent = source.toAbsolutePath().getParent();
        if (parent != null) TreeOps.fsync(parent);
    }

    private boolean sameFileSystem(Path source) throws IOException {
        Path parent = source.toAbsolutePath().getParent();
        if (parent == null) return false;
        Object parentDev = Files.getAttribute(parent, "unix:dev");
        if (payloadsDev == null) payloadsDev = Files.getAttribute(payloads, "unix:dev");
        return parentDev.equals(payloadsDev);
    }

    private TrashEntry withHashes(TrashEntry e, Path payload) throws IOException {
        if (e.isDirectory()) {
            Map<String, String> hashes = new HashMap<>();
            for (TreeEntry t : FileSnapshot.tree(payload, hashLimit)) if (t.hash() != null) hashes.put(t.path(), t.hash());
            List<TreeEntry> tree = new ArrayList<>();
            for (TreeEntry t : e.tree()) {
                tree.add(new TreeEntry(t.path(), t.type(), t.size(), t.mode(), t.uid(), t.gid(), t.mtime(), t.atime(),
                        hashes.get(t.path()), t.symlinkTarget()));
            }
            return new TrashEntry(e.token(), e.originalPath(), e.trashPath(), e.size(), null, null, e.mode(), e.uid(),
                    e.gid(), e.mtime(), e.atime(), e.session(), e.command(), e.rule(), e.created(), e.type(),
                    e.symlinkTarget(), e.storage(), e.sourceDev(), e.sourceIno(), tree);
        }
        String hash = FileSnapshot.hashIfSmall(payload, hashLimit);
        return new TrashEntry(e.token(), e.originalPath(), e.trashPath(), e.size(), hash, hash == null ? null : "sha256",
                e.mode(), e.uid(), e.gid(), e.mtime(), e.atime(), e.session(), e.command(), e.rule(), e.created(),
                e.type(), e.symlinkTarget(), e.storage(), e.sourceDev(), e.sourceIno(), null);
    }

    // ---- restore -------------------------------------------------------------------------

    /** The outcome of a restore: the entry and where it now is. */
    public record Restored(TrashEntry entry, Path path, TrashEntry displaced) {}

    /**
     * Puts an entry back at its original path or at {@code dest}, after checking its hashes.
     * An existing destination is refused unless {@code force}; with force it is itself moved to
     * the trash (so an overwrite can be undone too). On refusal nothing changes.
     */
    public Restored restore(String token, Path dest, boolean force) throws IOException, TrashException {
        lock.lock();
        try (FileLock ignored = lockFile.lock()) {
            return restoreLocked(token, dest, force);
        } finally {
            lock.unlock();
        }
    }

    private Restored restoreLocked(String token, Path dest, boolean force) throws IOException, TrashException {
        TrashEntry e = get(token).orElseThrow(() -> new TrashException.NoSuchEntry(token));
        if (dest == null && (e.originalPath() == null || e.originalPath().isEmpty())) {
            throw new TrashException("the original path of " + token + " is unknown (its manifest was lost); restore it with --to PATH");
        }
        Path target = (dest == null ? Path.of(e.originalPath()) : dest).toAbsolutePath().normalize();
        Path payload = payloads.resolve(token);
        if (!Files.exists(payload, NOFOLLOW)) throw new TrashException("payload of " + token + " is missing from " + payloads);
        verify(e, payload);
        boolean occupied = Files.exists(target, NOFOLLOW);
        if (occupied && !force) throw new TrashException.DestinationExists(target.toString());
        Files.createDirectories(target.getParent());
        TrashEntry displaced = null;
        if (occupied) {
            displaced = divertLocked(target, target.toString(), e.session(), "restore-overwrite",
                    "agentsh trash restore --force " + token);
        }
        Path journal = writeJournal(new JournalRecord(JournalRecord.RESTORE, e, null, target.toString()), false);
        failPoint.reached("restore:journaled");
        try {
            Files.move(payload, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException ex) {
            Path tmp = restoreTemp(target, token);
            TreeOps.deleteTree(tmp);
            TreeOps.durableCopy(payload, tmp);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            TreeOps.fsync(target.getParent());
            TreeOps.deleteTree(payload);
        }
        failPoint.reached("restore:moved");
        if (e.isDirectory()) TreeOps.applyTree(target, e.tree());
        TreeOps.applyMetadata(target, e.type(), e.mode(), e.uid(), e.gid(), e.mtime(), e.atime());
        Files.deleteIfExists(manifests.resolve(token + ".json"));   // the manifest goes last: never a payload without one
        Files.delete(journal);
        return new Restored(e, target, displaced);
    }

    private static Path restoreTemp(Path target, String token) {
        return target.resolveSibling(".agentsh-restore-" + token);
    }

    /** Checks recorded hashes (and symlink targets) against the payload; throws on any difference. */
    private static void verify(TrashEntry e, Path payload) throws IOException, TrashException {
        if (e.hash() != null && !"sha256".equalsIgnoreCase(e.hashAlgo() == null ? "sha256" : e.hashAlgo())) {
            throw new TrashException.IntegrityFailure("unsupported hash algorithm " + e.hashAlgo() + " for " + e.token());
        }
        if (e.hash() != null) {
            String got = FileSnapshot.sha256(payload);
            if (!got.equalsIgnoreCase(e.hash())) {
                throw new TrashException.IntegrityFailure("hash mismatch on restore: expected " + e.hash() + " got " + got);
            }
        }
        if (e.symlinkTarget() != null && !Files.readSymbolicLink(payload).toString().equals(e.symlinkTarget())) {
            throw new TrashException.IntegrityFailure("symlink target changed in trash for " + e.token());
        }
        if (e.tree() != null) {
            for (TreeEntry t : e.tree()) {
                Path p = payload.resolve(t.path());
                if (!Files.exists(p, NOFOLLOW)) {
                    throw new TrashException.IntegrityFailure("missing from the trashed directory: " + t.path());
                }
                if (t.hash() != null) {
                    String got = FileSnapshot.sha256(p);
                    if (!got.equalsIgnoreCase(t.hash())) {
                        throw new TrashException.IntegrityFailure("hash mismatch on restore of " + t.path()
                                + ": expected " + t.hash() + " got " + got);
                    }
                }
            }
        }
    }

    // ---- list / purge --------------------------------------------------------------------

    /** All entries, oldest first; {@code session} null means every session. Unreadable manifests are skipped. */
    public List<TrashEntry> list(String session) throws IOException {
        List<TrashEntry> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(manifests, "*.json")) {
            for (Path p : ds) {
                try {
                    TrashEntry e = ManifestCodec.decode(Files.readAllBytes(p));
                    if (session == null || session.equals(e.session())) out.add(e);
                } catch (IOException ex) {
                    // A damaged manifest must not hide the others; it stays on disk for inspection.
                }
            }
        }
        out.sort(Comparator.comparing((TrashEntry e) -> e.created() == null ? Instant.EPOCH : e.created())
                .thenComparing(TrashEntry::token));
        return out;
    }

    public Optional<TrashEntry> get(String token) throws IOException {
        if (!TokenGenerator.isValid(token)) return Optional.empty();
        Path m = manifests.resolve(token + ".json");
        if (!Files.exists(m)) return Optional.empty();
        return Optional.of(ManifestCodec.decode(Files.readAllBytes(m)));
    }

    /** Total bytes of all entries (what the quota limits). */
    public long totalBytes() throws IOException {
        return list(null).stream().mapToLong(TrashEntry::size).sum();
    }

    public PurgeResult purge(PurgeRequest req) throws IOException {
        return withLock(() -> purgeLocked(req));
    }

    private PurgeResult purgeLocked(PurgeRequest req) throws IOException {
        List<TrashEntry> scope = list(req.session());
        List<TrashEntry> victims = new ArrayList<>();
        if (req.session() != null && req.ttl() == null && req.quotaBytes() == null) {
            victims.addAll(scope);
        } else {
            Instant now = clock.instant();
            List<TrashEntry> kept = new ArrayList<>();
            for (TrashEntry e : scope) {
                Instant created = e.created() == null ? Instant.EPOCH : e.created();
                if (req.ttl() != null && created.plus(req.ttl()).isBefore(now)) victims.add(e);
                else kept.add(e);
            }
            if (req.quotaBytes() != null) {
                long total = kept.stream().mapToLong(TrashEntry::size).sum();
                for (TrashEntry e : kept) {          // oldest first
                    if (total <= req.quotaBytes()) break;
                    victims.add(e);
                    total -= e.size();
                }
            }
        }
        long freed = 0;
        for (TrashEntry e : victims) {
            freed += e.size();
            if (req.dryRun()) continue;
            Path journal = journals.resolve(e.token() + "." + JournalRecord.PURGE + ".json");
            Files.move(manifests.resolve(e.token() + ".json"), journal, StandardCopyOption.ATOMIC_MOVE);
            failPoint.reached("purge:journaled");
            TreeOps.deleteTree(payloads.resolve(e.token()));
            Files.delete(journal);
        }
        return new PurgeResult(victims, freed);
    }

    // ---- recovery ------------------------------------------------------------------------

    private RecoveryReport recoverLocked() throws IOException {
        List<String> actions = new ArrayList<>();
        List<Path> pending = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(journals, "*.json")) {
            ds.forEach(pending::add);
        }
        pending.sort(Comparator.naturalOrder());
        for (Path j : pending) {
            String name = j.getFileName().toString();
            String token = name.substring(0, name.indexOf('.'));
            Path payload = payloads.resolve(token);
            if (name.endsWith("." + JournalRecord.PURGE + ".json")) {
                TreeOps.deleteTree(payload);
                Files.delete(j);
                actions.add("finished purging " + token);
                continue;
            }
            JournalRecord r;
            try {
                r = ManifestCodec.decodeJournal(Files.readAllBytes(j));
            } catch (IOException e) {
                // A torn journal write means the operation had not started touching user data.
                if (name.endsWith(".tmp") || !Files.exists(payload, NOFOLLOW)) {
                    Files.delete(j);
                    actions.add("dropped unreadable journal " + name);
                } else {
                    actions.add("kept unreadable journal " + name + " (payload present; inspect by hand)");
                }
                continue;
            }
            if (JournalRecord.DIVERT.equals(r.op())) recoverDivert(r, j, payload, actions);
            else if (JournalRecord.RESTORE.equals(r.op())) recoverRestore(r, j, payload, actions);
        }
        adoptOrphans(actions);
        for (Path dir : List.of(journals, manifests)) {      // torn atomic writes: the old file (if any) is intact
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.tmp")) {
                for (Path p : ds) Files.delete(p);
            }
        }
        // Temporary files whose journal is gone (should not happen, but never leave garbage that counts against the quota).
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(payloads, "*" + PARTIAL)) {
            for (Path p : ds) {
                String tok = p.getFileName().toString().replace(PARTIAL, "");
                if (!Files.exists(journals.resolve(tok + "." + JournalRecord.DIVERT + ".json"))) {
                    TreeOps.deleteTree(p);
                    actions.add("removed stray partial copy " + p.getFileName());
                }
            }
        }
        if (!actions.isEmpty()) TreeOps.fsync(journals);
        return new RecoveryReport(actions);
    }

    /**
     * A payload with neither manifest nor journal (their unsynced writes lost to a power failure)
     * is kept as an entry whose original path is unknown: listed, restorable with --to, purgeable.
     */
    private void adoptOrphans(List<String> actions) throws IOException {
        List<Path> orphans = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(payloads)) {
            for (Path p : ds) {
                String tok = p.getFileName().toString();
                if (!TokenGenerator.isValid(tok) || Files.exists(manifests.resolve(tok + ".json"))) continue;
                boolean journaled = false;
                for (String op : List.of(JournalRecord.DIVERT, JournalRecord.RESTORE, JournalRecord.PURGE)) {
                    journaled |= Files.exists(journals.resolve(tok + "." + op + ".json"));
                }
                if (!journaled) orphans.add(p);
            }
        }
        for (Path p : orphans) {
            FileSnapshot.Node n = FileSnapshot.node(p);
            boolean dir = TrashEntry.TYPE_DIR.equals(n.type());
            List<TreeEntry> tree = dir ? FileSnapshot.tree(p, FileSnapshot.NO_HASHES) : null;
            long size = dir ? tree.stream().mapToLong(TreeEntry::size).sum() : n.size();
            String tok = p.getFileName().toString();
            TrashEntry e = new TrashEntry(tok, ORPHAN_PATH, p.toString(), size, null, null, n.mode(), n.uid(), n.gid(),
                    n.mtime(), n.atime(), null, null, "recovered-orphan", clock.instant(), n.type(), n.symlinkTarget(),
                    TrashEntry.STORAGE_RENAME, null, null, tree);
            writeManifest(withHashes(e, p), true);
            actions.add("adopted " + tok + " (its manifest was lost; restore it with --to)");
        }
    }

    private void recoverDivert(JournalRecord r, Path journal, Path payload, List<String> actions) throws IOException {
        TrashEntry e = r.entry();
        TreeOps.deleteTree(payloads.resolve(e.token() + PARTIAL));
        if (!Files.exists(payload, NOFOLLOW)) {
            // Never moved (or only partly copied): the source is untouched.
            Files.delete(journal);
            actions.add("rolled back divert of " + e.originalPath() + ": it was never moved");
            return;
        }
        if (TrashEntry.STORAGE_COPY.equals(e.storage())) {
            // The payload is complete and synced; finish removing the source if it is still the same object.
            Path source = r.source() == null || r.source().startsWith("/proc/") ? Path.of(e.originalPath()) : Path.of(r.source());
            if (Files.exists(source, NOFOLLOW)) {
                FileSnapshot.Node n = FileSnapshot.node(source);
                if (e.sourceIno() != null && n.ino() == e.sourceIno() && e.sourceDev() != null && n.dev() == e.sourceDev()) {
                    TreeOps.deleteTree(source);
                    actions.add("removed the rest of " + source + " (already safe in the trash)");
                }
            }
        }
        writeManifest(withHashes(e, payload), true);
        Files.delete(journal);
        actions.add("completed divert of " + e.originalPath() + " as " + e.token());
    }

    private void recoverRestore(JournalRecord r, Path journal, Path payload, List<String> actions) throws IOException {
        TrashEntry e = r.entry();
        if (Files.exists(payload, NOFOLLOW)) {
            if (r.restoreTo() != null) TreeOps.deleteTree(restoreTemp(Path.of(r.restoreTo()), e.token()));
            writeManifest(e, true);
            Files.delete(journal);
            actions.add("rolled back restore of " + e.token() + ": it is still in the trash");
        } else {
            Path target = Path.of(r.restoreTo());
            if (Files.exists(target, NOFOLLOW)) {
                if (e.isDirectory()) TreeOps.applyTree(target, e.tree());
                TreeOps.applyMetadata(target, e.type(), e.mode(), e.uid(), e.gid(), e.mtime(), e.atime());
            }
            Files.deleteIfExists(manifests.resolve(e.token() + ".json"));
            Files.delete(journal);
            actions.add("completed restore of " + e.token() + " to " + target);
        }
    }

    // ---- plumbing ------------------------------------------------------------------------

    /**
     * A token is in use while anything of it is on disk (a journal may outlive its payload for a moment).
     * The four names that are only ever regular files are probed first with access(2), which reports
     * a miss without an exception; the two payload names may be symlinks (a diverted dangling link)
     * and so still need lstat, whose miss the JDK reports by throwing.
     */
    private boolean taken(String token) {
        return Files.exists(manifests.resolve(token + ".json"))
                || Files.exists(journals.resolve(token + "." + JournalRecord.DIVERT + ".json"))
                || Files.exists(journals.resolve(token + "." + JournalRecord.RESTORE + ".json"))
                || Files.exists(journals.resolve(token + "." + JournalRecord.PURGE + ".json"))
                || Files.exists(payloads.resolve(token), NOFOLLOW)
                || Files.exists(payloads.resolve(token + PARTIAL), NOFOLLOW);
    }

    private Path writeJournal(JournalRecord r, boolean sync) throws IOException {
        Path j = journals.resolve(r.entry().token() + "." + r.op() + ".json");
        atomicWrite(j, ManifestCodec.encodeJournal(r), sync);
        return j;
    }

    private void writeManifest(TrashEntry e, boolean sync) throws IOException {
        Path m = manifests.resolve(e.token() + ".json");
        atomicWrite(m, ManifestCodec.encode(e), sync);
    }

    /** Write to a temporary name and rename over: readers see all or nothing; {@code sync}: durable against power loss too. */
    private static void atomicWrite(Path target, byte[] data, boolean sync) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel ch = createTemp(tmp)) {
            ch.write(java.nio.ByteBuffer.wrap(data));
            if (sync) ch.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        if (sync) TreeOps.fsync(target.getParent());
    }

    private static final java.util.Set<StandardOpenOption> TMP_OPEN =
            java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);

    /**
     * Creates {@code tmp} afresh (O_CREAT|O_EXCL, the reference's 0640). A stale one (a crashed
     * writer's) is removed first, as before; but it is removed only when the exclusive create finds
     * it, so the usual case costs no failed lstat and no exception.
     */
    private static FileChannel createTemp(Path tmp) throws IOException {
        try {
            return FileChannel.open(tmp, TMP_OPEN, MANIFEST_MODE);
        } catch (FileAlreadyExistsException e) {
            Files.deleteIfExists(tmp);
            return FileChannel.open(tmp, TMP_OPEN, MANIFEST_MODE);
        }
    }

    /**
     * Files.delete for a path that is a regular file: unlink(2) straight away, where Files.delete
     * first lstats to choose between unlink and rmdir. On failure Files.delete runs, to report the
     * error as before (NoSuchFileException and so on).
     */
    private static void deleteFile(Path p) throws IOException {
        if (!p.toFile().delete()) Files.delete(p);
    }

    private interface IoAction<T> { T run() throws IOException; }

    private <T> T withLock(IoAction<T> action) throws IOException {
        lock.lock();
        try (FileLock ignored = lockFile.lock()) {
            return action.run();
        } catch (FileSystemException e) {
            throw e;
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } finally {
            lock.unlock();
        }
    }

    @Override public void close() throws IOException { lockFile.close(); }
}

package io.agentsh.cli.trash;

import io.agentsh.core.trash.ByteSize;
import io.agentsh.core.trash.ManifestCodec;
import io.agentsh.core.trash.PurgeRequest;
import io.agentsh.core.trash.PurgeResult;
import io.agentsh.core.trash.TrashDurations;
import io.agentsh.core.trash.TrashEntry;
import io.agentsh.core.trash.TrashException;
import io.agentsh.core.trash.TrashStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code agentsh trash list|restore|purge} (cli-api-shim.md §1.9), working on the store on disk.
 * Exit codes: 0 done, 1 refused or failed (message on stderr, nothing changed), 2 bad usage.
 */
@Command(name = "trash", mixinStandardHelpOptions = true, description = "List, restore and purge soft-deleted files.",
        subcommands = {TrashCommand.ListCmd.class, TrashCommand.RestoreCmd.class, TrashCommand.PurgeCmd.class})
public final class TrashCommand implements Runnable {
    @Spec CommandSpec spec;

    @Option(names = "--trash-path", scope = ScopeType.INHERIT, description = "trash directory (default: from the server config, /var/lib/agentsh/trash)")
    Path trashPath;

    @Option(names = "--config", scope = ScopeType.INHERIT, description = "server config to read sandbox.fuse.audit from")
    Path config;

    @Option(names = "--remote", scope = ScopeType.INHERIT,
            description = "ask the daemon (--server) instead of opening the store; automatic inside a session")
    boolean remote;

    @Override public void run() { spec.commandLine().usage(spec.commandLine().getOut()); }

    /** Inside a governed session (or with --remote) the daemon answers; otherwise the store on disk. */
    DaemonTrash daemon() {
        if (!remote && !DaemonTrash.inSession()) return null;
        io.agentsh.cli.Main root = io.agentsh.cli.Main.of(spec);
        return new DaemonTrash(root.server(), root.apiKey());
    }

    /** The store, or null when there is none yet (nothing was ever soft-deleted; the CLI creates nothing). */
    TrashStore open() throws IOException {
        Path root = TrashLocation.resolve(trashPath, config);
        return Files.isDirectory(root.resolve("manifest")) ? TrashStore.open(root) : null;
    }

    /** Runs a verb with the store; a refusal or I/O error is one line on stderr and exit 1. */
    abstract static class Verb implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand TrashCommand parent;
        @Spec CommandSpec spec;

        abstract int run(TrashStore store, PrintWriter out) throws IOException, TrashException;

        /** What the verb says when no store exists yet. */
        abstract int runWithoutStore(PrintWriter out) throws TrashException;

        /** The verb through the daemon. */
        abstract int runRemote(DaemonTrash daemon, PrintWriter out) throws IOException, DaemonTrash.Refused;

        @Override public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            DaemonTrash daemon = parent.daemon();
            if (daemon != null) {
                try {
                    return runRemote(daemon, spec.commandLine().getOut());
                } catch (DaemonTrash.Refused e) {
                    err.println("agentsh: " + e.getMessage());
                    return 1;
                } catch (IOException | IllegalArgumentException e) {
                    err.println("agentsh: cannot reach the agentsh server: " + e.getMessage());
                    return 1;
                }
            }
            try (TrashStore store = parent.open()) {
                return store == null ? runWithoutStore(spec.commandLine().getOut()) : run(store, spec.commandLine().getOut());
            } catch (TrashException | IOException | IllegalArgumentException e) {
                err.println("agentsh: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
                return e instanceof IllegalArgumentException ? 2 : 1;
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List trashed items, oldest first: token, path, size, age.")
    static final class ListCmd extends Verb {
        @Option(names = "--session", description = "only this session's items") String session;
        @Option(names = "--json", description = "the manifests as a JSON array") boolean json;

        @Override int runWithoutStore(PrintWriter out) {
            if (json) out.println("[ ]");
            else if (session == null) out.println("trash empty");
            return 0;
        }

        @Override int runRemote(DaemonTrash daemon, PrintWriter out) throws IOException, DaemonTrash.Refused {
            return print(daemon.list(session), out);
        }

        @Override int run(TrashStore store, PrintWriter out) throws IOException {
            return print(store.list(session), out);
        }

        private int print(List<TrashEntry> entries, PrintWriter out) throws IOException {
            if (json) {
                out.println(ManifestCodec.mapper().writeValueAsString(entries));
                return 0;
            }
            if (entries.isEmpty()) {
                if (session == null) out.println("trash empty");   // as the reference: a session filter prints nothing
                return 0;
            }
            Instant now = Instant.now();
            for (TrashEntry e : entries) {
                Duration age = e.created() == null ? Duration.ZERO : Duration.between(e.created(), now);
                out.println(e.token() + "\t" + e.originalPath() + "\t" + e.size() + " bytes\t" + TrashDurations.format(age) + " ago");
            }
            return 0;
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true, description = "Put an item back (its hash is checked first). Refuses to overwrite without --force.")
    static final class RestoreCmd extends Verb {
        @Parameters(index = "0", paramLabel = "TOKEN") String token;
        @Option(names = {"--to", "--dest"}, paramLabel = "PATH", description = "restore here instead of the original path") Path to;
        @Option(names = "--force", description = "overwrite what is there (it is moved to the trash itself)") boolean force;

        @Override int runWithoutStore(PrintWriter out) throws TrashException {
            throw new TrashException.NoSuchEntry(token);
        }

        @Override int runRemote(DaemonTrash daemon, PrintWriter out) throws IOException, DaemonTrash.Refused {
            out.println("restored to " + daemon.restore(token, to == null ? null : to.toAbsolutePath().toString(), force));
            return 0;
        }

        @Override int run(TrashStore store, PrintWriter out) throws IOException, TrashException {
            TrashStore.Restored r = store.restore(token, to, force);
            out.println("restored to " + r.path());
            if (r.displaced() != null) {
                out.println("previous " + r.path() + " moved to the trash as " + r.displaced().token());
            }
            return 0;
        }
    }

    @Command(name = "purge", mixinStandardHelpOptions = true, description = "Delete trashed items for good: older than --ttl, oldest beyond --quota, or a --session's.")
    static final class PurgeCmd extends Verb {
        @Option(names = "--ttl", description = "remove items older than this (7d, 12h, 1h30m)") String ttl;
        @Option(names = "--quota", description = "then remove the oldest until the total is at most this (5GB, 512MiB)") String quota;
        @Option(names = "--session", description = "only this session's items (alone: all of them)") String session;
        @Option(names = "--dry-run", description = "show what would be removed") boolean dryRun;
        @Option(names = "--json", description = "the removed entries as JSON") boolean json;
        @picocli.CommandLine.Mixin io.agentsh.cli.guard.OperatorCredential operator;

        /** Purging destroys what the agent deleted: inside a session only with the operator credential. */
        @Override public Integer call() {
            if (!dryRun) {
                Integer refused = operator.refusal("trash purge", spec.commandLine().getErr());
                if (refused != null) return refused;
            }
            return super.call();
        }

        @Override int runWithoutStore(PrintWriter out) {
            out.println(dryRun ? "would remove 0 entries (0 B)" : "removed 0 entr(y/ies)");
            return 0;
        }

        @Override int runRemote(DaemonTrash daemon, PrintWriter out) throws IOException, DaemonTrash.Refused {
            if (ttl == null && quota == null && session == null) throw new IllegalArgumentException("purge needs --ttl, --quota or --session");
            int n = daemon.purge(ttl, quota, session, dryRun);
            out.println(dryRun ? "would remove " + n + " " + (n == 1 ? "entry" : "entries") : "removed " + n + " entr(y/ies)");
            return 0;
        }

        @Override int run(TrashStore store, PrintWriter out) throws IOException {
            if (ttl == null && quota == null && session == null) {
                throw new IllegalArgumentException("purge needs --ttl, --quota or --session");
            }
            PurgeRequest req = new PurgeRequest(ttl == null ? null : TrashDurations.parse(ttl),
                    quota == null ? null : ByteSize.parse(quota), session, dryRun);
            PurgeResult r = store.purge(req);
            if (json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("removed", r.removed());
                doc.put("bytes_freed", r.bytesFreed());
                doc.put("dry_run", dryRun);
                out.println(ManifestCodec.mapper().writeValueAsString(doc));
                return 0;
            }
            if (dryRun) {
                for (TrashEntry e : r.removed()) out.println("would remove " + e.token() + "\t" + e.originalPath());
                out.println("would remove " + r.removed().size() + " " + (r.removed().size() == 1 ? "entry" : "entries")
                        + " (" + ByteSize.human(r.bytesFreed()) + ")");
                return 0;
            }
            // The reference prints this literally ("entr(y/ies)"); scripts match on it.
            out.println("removed " + r.removed().size() + " entr(y/ies)");
            return 0;
        }
    }
}

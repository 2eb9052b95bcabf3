package io.agentsh.proxy.llm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Appends the per-session {@code llm-requests.jsonl} (dir 0700, file 0600), one JSON line per
 * request and one per response, in the reference's shape. Writes happen on one background
 * thread so the event loop never waits for the disk.
 */
final class RequestLog implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RequestLog.class.getName());
    static final String FILE_NAME = "llm-requests.jsonl";

    private final ObjectMapper json = new ObjectMapper();
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "agentsh-llm-log");
        t.setDaemon(true);
        return t;
    });

    /** One session's open log file; only touched on the writer thread. */
    final class SessionLog {
        private final Path file;
        private FileChannel channel;

        SessionLog(Path sessionDir) {
            this.file = sessionDir.resolve(FILE_NAME);
        }

        Path file() {
            return file;
        }

        void append(ObjectNode entry) {
            writer.execute(() -> write(entry));
        }

        private void write(ObjectNode entry) {
            try {
                if (channel == null) {
                    Path dir = file.getParent();
                    if (!Files.isDirectory(dir)) {
                        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                    }
                    if (!Files.exists(file)) {
                        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    }
                    channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
                }
                byte[] line = json.writeValueAsBytes(entry);
                ByteBuffer buf = ByteBuffer.allocate(line.length + 1).put(line).put((byte) '\n').flip();
                while (buf.hasRemaining()) {
                    channel.write(buf);
                }
            } catch (IOException e) {
                LOG.log(Level.WARNING, "cannot write LLM request log " + file + ": " + e.getMessage());
            }
        }

        /** Appends bytes to {@code llm-bodies/<name>} (0600), in order with the log lines. */
        void appendBody(String name, byte[] bytes) {
            writer.execute(() -> {
                try {
                    Path dir = file.getParent().resolve("llm-bodies");
                    if (!Files.isDirectory(dir)) {
                        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                    }
                    Path f = dir.resolve(name);
                    if (!Files.exists(f)) {
                        Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    }
                    Files.write(f, bytes, StandardOpenOption.APPEND);
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "cannot store LLM body " + name + ": " + e.getMessage());
                }
            });
        }

        void close() {
            writer.execute(() -> {
                try {
                    if (channel != null) {
                        channel.close();
                    }
                } catch (IOException ignored) {
                    // closing a log we only appended to; nothing to recover
                }
            });
        }
    }

    SessionLog open(Path sessionDir) {
        return new SessionLog(sessionDir);
    }

    ObjectNode newEntry() {
        return json.createObjectNode();
    }

    /** Waits until everything queued so far is on disk (tests, shutdown). */
    void flush() throws InterruptedException {
        try {
            writer.submit(() -> { }).get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

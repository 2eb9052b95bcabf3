package io.agentsh.core.kernel.supervisor;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The reference's trash layout for one workspace: {@code <workspace>/.agentsh_trash/payload/<token>}
 * and {@code manifest/<token>.json} (token = decimal nanoseconds; sha256 for regular files up to
 * 1 MB), so {@code agentsh trash list|restore} read what the supervisor diverted.
 */
public final class WorkspaceTrash implements Trash {
    private static final long HASH_LIMIT = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicLong LAST = new AtomicLong();
    private final Path workspace;
    private final Path trash;

    public WorkspaceTrash(Path workspace, String trashPath) {
        this.workspace = workspace.toAbsolutePath().normalize();
        Path t = Path.of(trashPath == null || trashPath.isEmpty() ? ".agentsh_trash" : trashPath);
        this.trash = t.isAbsolute() ? t : this.workspace.resolve(t);
    }

    @Override
    public String payloadDir(String path) {
        Path p = Path.of(path);
        if (!p.startsWith(workspace) || p.startsWith(trash)) return null;
        try {
            Path payload = trash.resolve("payload");
            Files.createDirectories(payload);
            Files.createDirectories(trash.resolve("manifest"));
            return payload.toString();
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public String newToken() {
        long now = Instant.now().getEpochSecond() * 1_000_000_000L + Instant.now().getNano();
        return Long.toString(LAST.accumulateAndGet(now, (prev, n) -> Math.max(prev + 1, n)));
    }

    @Override
    public void diverted(String sessionId, String originalPath, String payloadDir, String token) {
        Path payload = Path.of(payloadDir, token);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("token", token);
        m.put("original_path", originalPath);
        m.put("trash_path", payload.toString());
        try {
            Map<String, Object> a = Files.readAttributes(payload, "unix:size,mode,uid,gid,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
            boolean regular = Files.isRegularFile(payload, LinkOption.NOFOLLOW_LINKS);
            long size = (Long) a.get("size");
            m.put("size", size);
            if (regular && size <= HASH_LIMIT) {
                m.put("hash", sha256(payload));
                m.put("hash_algo", "sha256");
            } else {
                m.put("hash", "");
                m.put("hash_algo", "");
            }
            m.put("mode", a.get("mode"));
            m.put("uid", a.get("uid"));
            m.put("gid", a.get("gid"));
            m.put("mtime", ((FileTime) a.get("lastModifiedTime")).toInstant().toString());
            m.put("session", sessionId);
            m.put("command", "");
            m.put("created", Instant.now().toString());
            m.put("platform", "linux");
            Path manifest = trash.resolve("manifest").resolve(token + ".json");
            Files.writeString(manifest, JSON.writeValueAsString(m));
            Files.setPosixFilePermissions(manifest, PosixFilePermissions.fromString("rw-r-----"));
        } catch (IOException | RuntimeException e) {
            // The payload is safe in the trash; a missing manifest only hides it from `trash list`.
        }
    }

    private static String sha256(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0; ) d.update(buf, 0, n);
            return HexFormat.of().formatHex(d.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

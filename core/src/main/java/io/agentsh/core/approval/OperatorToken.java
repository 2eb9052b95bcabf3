package io.agentsh.core.approval;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A local operator credential: a random token the daemon writes to {@code <data_dir>/operator.token}
 * (mode 0600, owned by the daemon's user) at start. The approve/resolve CLI verbs read it and send
 * it in {@link #HEADER}. An agent that cannot read the file cannot approve; one that can (same uid)
 * is still refused by the peer check on the unix socket and on loopback TCP.
 */
public final class OperatorToken {
    public static final String HEADER = "X-Agentsh-Operator-Token";

    private final byte[] token;
    private final Path file;

    private OperatorToken(byte[] token, Path file) {
        this.token = token;
        this.file = file;
    }

    public static OperatorToken create(Path file) throws IOException {
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        String hex = HexFormat.of().formatHex(raw);
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), ".operator", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, hex + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new OperatorToken(hex.getBytes(StandardCharsets.US_ASCII), file);
    }

    public Path file() {
        return file;
    }

    /** Constant-time comparison with a presented token. */
    public boolean matches(String presented) {
        if (presented == null) return false;
        return MessageDigest.isEqual(token, presented.trim().getBytes(StandardCharsets.US_ASCII));
    }

    public void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // best effort at shutdown
        }
    }
}

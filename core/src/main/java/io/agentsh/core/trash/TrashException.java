package io.agentsh.core.trash;

/** A trash operation failed; the message is meant for the user as is. */
public class TrashException extends Exception {
    public TrashException(String message) { super(message); }
    public TrashException(String message, Throwable cause) { super(message, cause); }

    /** No manifest carries the token. */
    public static final class NoSuchEntry extends TrashException {
        public NoSuchEntry(String token) { super("no trash entry with token " + token); }
    }

    /** Restore would overwrite something and --force was not given; nothing was changed. */
    public static final class DestinationExists extends TrashException {
        public DestinationExists(String path) { super("destination exists: " + path + " (use --force to overwrite)"); }
    }

    /** The payload no longer matches the hash recorded when it was diverted; nothing was changed. */
    public static final class IntegrityFailure extends TrashException {
        public IntegrityFailure(String message) { super(message); }
    }
}

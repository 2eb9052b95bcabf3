package io.agentsh.core.trash;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/**
 * The manifest of one diverted file, directory or symlink: {@code <trash>/manifest/<token>.json}.
 * Field names follow the reference's Entry JSON (token, original_path, trash_path, size, hash,
 * hash_algo, mode, uid, gid, mtime, session, command, created); ours adds atime, rule, type,
 * symlink_target, storage, the source identity (for crash repair) and the directory tree.
 * {@code mode} holds the permission bits (07777); a reference manifest's Go FileMode type bits
 * are masked off when read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record TrashEntry(
        @JsonProperty("token") String token,
        @JsonProperty("original_path") String originalPath,
        @JsonProperty("trash_path") String trashPath,
        @JsonProperty("size") long size,
        @JsonProperty("hash") String hash,
        @JsonProperty("hash_algo") String hashAlgo,
        @JsonProperty("mode") int mode,
        @JsonProperty("uid") int uid,
        @JsonProperty("gid") int gid,
        @JsonProperty("mtime") Instant mtime,
        @JsonProperty("atime") Instant atime,
        @JsonProperty("session") String session,
        @JsonProperty("command") String command,
        @JsonProperty("rule") String rule,
        @JsonProperty("created") Instant created,
        @JsonProperty("type") String type,
        @JsonProperty("symlink_target") String symlinkTarget,
        @JsonProperty("storage") String storage,
        @JsonProperty("source_dev") Long sourceDev,
        @JsonProperty("source_ino") Long sourceIno,
        @JsonProperty("tree") List<TreeEntry> tree) {

    public static final String TYPE_FILE = "file";
    public static final String TYPE_DIR = "dir";
    public static final String TYPE_SYMLINK = "symlink";
    public static final String TYPE_OTHER = "other";
    /** Moved with rename(2): same filesystem, atomic. */
    public static final String STORAGE_RENAME = "rename";
    /** Copied, synced, then the source removed: across filesystems. */
    public static final String STORAGE_COPY = "copy";

    public TrashEntry {
        mode &= 07777;
        if (type == null) type = TYPE_FILE;
        tree = tree == null ? null : List.copyOf(tree);
    }

    @JsonIgnore public boolean isDirectory() { return TYPE_DIR.equals(type); }

    /** The shell line the exec response adds for a soft delete (cli-api-shim.md §4). */
    @JsonIgnore public String stderrNotice() {
        return "soft-delete: " + originalPath + " -> trash token " + token + "; restore with: agentsh trash restore " + token;
    }

    TrashEntry withStorage(String newStorage) {
        return new TrashEntry(token, originalPath, trashPath, size, hash, hashAlgo, mode, uid, gid, mtime, atime,
                session, command, rule, created, type, symlinkTarget, newStorage, sourceDev, sourceIno, tree);
    }
}

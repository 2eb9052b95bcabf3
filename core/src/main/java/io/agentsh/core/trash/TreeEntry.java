package io.agentsh.core.trash;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * One node inside a diverted directory, so a directory is restored whole with each member's
 * mode, owner and times, and each small regular file can be verified.
 *
 * @param path relative to the diverted directory ("" never appears: the root is the entry itself)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record TreeEntry(
        @JsonProperty("path") String path,
        @JsonProperty("type") String type,
        @JsonProperty("size") long size,
        @JsonProperty("mode") int mode,
        @JsonProperty("uid") int uid,
        @JsonProperty("gid") int gid,
        @JsonProperty("mtime") Instant mtime,
        @JsonProperty("atime") Instant atime,
        @JsonProperty("hash") String hash,
        @JsonProperty("symlink_target") String symlinkTarget) {
}

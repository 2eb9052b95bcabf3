package io.agentsh.core.audit;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.agentsh.core.json.GoTime;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One audit event, serialised exactly as the reference's Event (network-dlp-llm-audit.md §7.1):
 * every field omitted when empty except timestamp, type and session_id.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"id", "timestamp", "type", "session_id", "command_id", "source", "pid", "policy",
        "parent_pid", "depth", "filename", "raw_filename", "argv", "truncated", "unwrapped_from",
        "payload_command", "path", "abstract", "domain", "remote", "operation", "effective_action", "fields"})
public record Event(
        @JsonProperty("id") String id,
        @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("timestamp")
        @JsonSerialize(using = GoTime.Serializer.class)
        @com.fasterxml.jackson.databind.annotation.JsonDeserialize(using = GoTime.Deserializer.class) Instant timestamp,
        @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("type") String type,
        @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("session_id") String sessionId,
        @JsonProperty("command_id") String commandId,
        @JsonProperty("source") String source,
        @JsonProperty("pid") Integer pid,
        @JsonProperty("policy") PolicyInfo policy,
        @JsonProperty("parent_pid") Integer parentPid,
        @JsonProperty("depth") Integer depth,
        @JsonProperty("filename") String filename,
        @JsonProperty("raw_filename") String rawFilename,
        @JsonProperty("argv") List<String> argv,
        @JsonProperty("truncated") Boolean truncated,
        @JsonProperty("unwrapped_from") String unwrappedFrom,
        @JsonProperty("payload_command") String payloadCommand,
        @JsonProperty("path") String path,
        @JsonProperty("abstract") Boolean abstractSocket,
        @JsonProperty("domain") String domain,
        @JsonProperty("remote") String remote,
        @JsonProperty("operation") String operation,
        @JsonProperty("effective_action") String effectiveAction,
        @JsonProperty("fields") Map<String, Object> fields) {

    public static Builder builder(String type, String sessionId) {
        return new Builder(type, sessionId);
    }

    /** True when the reference counts this event as blocked (effective deny or fields.blocked). */
    @JsonIgnore
    public boolean isBlocked() {
        if (policy != null && "deny".equals(policy.effectiveDecision())) return true;
        return fields != null && Boolean.TRUE.equals(fields.get("blocked"));
    }

    /** Mutable builder; every emitter fills what it knows. */
    public static final class Builder {
        private final String type;
        private final String sessionId;
        private String commandId, source, filename, rawFilename, unwrappedFrom, payloadCommand, path, domain,
                remote, operation, effectiveAction;
        private Integer pid, parentPid, depth;
        private Boolean truncated, abstractSocket;
        private PolicyInfo policy;
        private List<String> argv;
        private Instant timestamp;
        private final Map<String, Object> fields = new LinkedHashMap<>();

        private Builder(String type, String sessionId) {
            this.type = type;
            this.sessionId = sessionId;
        }

        public Builder commandId(String v) { commandId = v; return this; }
        public Builder source(String v) { source = v; return this; }
        public Builder pid(int v) { pid = v; return this; }
        public Builder parentPid(int v) { parentPid = v; return this; }
        public Builder depth(int v) { depth = v; return this; }
        public Builder policy(PolicyInfo v) { policy = v; return this; }
        public Builder filename(String v) { filename = v; return this; }
        public Builder rawFilename(String v) { rawFilename = v; return this; }
        public Builder argv(List<String> v) { argv = v; return this; }
        public Builder truncated(boolean v) { truncated = v ? Boolean.TRUE : null; return this; }
        public Builder unwrappedFrom(String v) { unwrappedFrom = v; return this; }
        public Builder payloadCommand(String v) { payloadCommand = v; return this; }
        public Builder path(String v) { path = v; return this; }
        public Builder abstractSocket(boolean v) { abstractSocket = v ? Boolean.TRUE : null; return this; }
        public Builder domain(String v) { domain = v; return this; }
        public Builder remote(String v) { remote = v; return this; }
        public Builder operation(String v) { operation = v; return this; }
        public Builder effectiveAction(String v) { effectiveAction = v; return this; }
        public Builder timestamp(Instant v) { timestamp = v; return this; }
        public Builder field(String k, Object v) { if (v != null) fields.put(k, v); return this; }

        public Event build() {
            return new Event(UUID.randomUUID().toString(), timestamp != null ? timestamp : Instant.now(), type,
                    sessionId, commandId, source, pid, policy, parentPid, depth, filename, rawFilename,
                    argv == null ? null : List.copyOf(argv), truncated, unwrappedFrom, payloadCommand, path,
                    abstractSocket, domain, remote, operation, effectiveAction,
                    fields.isEmpty() ? null : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields)));
        }
    }
}

package io.agentsh.core.approval;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.agentsh.core.json.GoTime;
import java.time.Instant;
import java.util.Map;

/** A pending approval as GET /api/v1/approvals lists it (reference §2.9). */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"id", "created_at", "expires_at", "session_id", "command_id", "kind", "target", "rule",
        "message", "fields"})
public record ApprovalRequest(
        @JsonProperty("id") String id,
        @JsonProperty("created_at") @JsonSerialize(using = GoTime.Serializer.class) Instant createdAt,
        @JsonProperty("expires_at") @JsonSerialize(using = GoTime.Serializer.class) Instant expiresAt,
        @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("session_id") String sessionId,
        @JsonProperty("command_id") String commandId,
        @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("kind") String kind,
        @JsonProperty("target") String target,
        @JsonProperty("rule") String rule,
        @JsonProperty("message") String message,
        @JsonProperty("fields") Map<String, Object> fields) {}

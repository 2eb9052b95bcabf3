package io.agentsh.core.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.agentsh.core.audit.Event;
import io.agentsh.core.json.GoTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The exec response exactly as the reference's ExecResponse (cli-api-shim.md §2.6), field order kept. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"command_id", "session_id", "timestamp", "request", "result", "events", "resources", "guidance"})
public record ExecResponse(
        @JsonProperty("command_id") String commandId,
        @JsonProperty("session_id") String sessionId,
        @JsonProperty("timestamp") @JsonSerialize(using = GoTime.Serializer.class) Instant timestamp,
        @JsonProperty("request") ExecRequest request,
        @JsonProperty("result") Result result,
        @JsonProperty("events") Events events,
        @JsonProperty("resources") Map<String, Object> resources,
        @JsonProperty("guidance") Guidance guidance) {

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @JsonPropertyOrder({"exit_code", "stdout", "stderr", "stdout_truncated", "stderr_truncated",
            "stdout_total_bytes", "stderr_total_bytes", "duration_ms", "error", "pagination"})
    public record Result(
            @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("exit_code") int exitCode,
            @JsonProperty("stdout") String stdout,
            @JsonProperty("stderr") String stderr,
            @JsonProperty("stdout_truncated") Boolean stdoutTruncated,
            @JsonProperty("stderr_truncated") Boolean stderrTruncated,
            @JsonProperty("stdout_total_bytes") Long stdoutTotalBytes,
            @JsonProperty("stderr_total_bytes") Long stderrTotalBytes,
            @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("duration_ms") long durationMs,
            @JsonProperty("error") ErrorInfo error,
            @JsonProperty("pagination") Pagination pagination) {}

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @JsonPropertyOrder({"code", "message", "policy_rule", "suggestions", "context"})
    public record ErrorInfo(@JsonProperty("code") String code, @JsonProperty("message") String message,
                            @JsonProperty("policy_rule") String policyRule,
                            @JsonProperty("suggestions") List<Suggestion> suggestions,
                            @JsonProperty("context") Map<String, Object> context) {}

    @JsonPropertyOrder({"action", "command", "reason"})
    public record Suggestion(@JsonProperty("action") String action, @JsonProperty("command") String command,
                             @JsonProperty("reason") String reason) {}

    @JsonPropertyOrder({"current_offset", "current_limit", "has_more", "next_command"})
    public record Pagination(@JsonProperty("current_offset") long currentOffset,
                             @JsonProperty("current_limit") long currentLimit,
                             @JsonProperty("has_more") boolean hasMore,
                             @JsonProperty("next_command") String nextCommand) {}

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @JsonPropertyOrder({"file_operations", "network_operations", "blocked_operations", "other",
            "file_operations_count", "network_operations_count", "blocked_operations_count", "other_count",
            "truncated"})
    public record Events(
            @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("file_operations") List<Event> fileOperations,
            @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("network_operations") List<Event> networkOperations,
            @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("blocked_operations") List<Event> blockedOperations,
            @JsonProperty("other") List<Event> other,
            @JsonProperty("file_operations_count") Integer fileOperationsCount,
            @JsonProperty("network_operations_count") Integer networkOperationsCount,
            @JsonProperty("blocked_operations_count") Integer blockedOperationsCount,
            @JsonProperty("other_count") Integer otherCount,
            @JsonProperty("truncated") Boolean truncated) {}

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @JsonPropertyOrder({"status", "blocked", "retryable", "reason", "policy_rule", "blocked_operation",
            "blocked_target", "substitutions", "suggestions"})
    public record Guidance(@JsonProperty("status") String status, @JsonProperty("blocked") Boolean blocked,
                           @JsonProperty("retryable") Boolean retryable, @JsonProperty("reason") String reason,
                           @JsonProperty("policy_rule") String policyRule,
                           @JsonProperty("blocked_operation") String blockedOperation,
                           @JsonProperty("blocked_target") String blockedTarget,
                           @JsonProperty("substitutions") List<Suggestion> substitutions,
                           @JsonProperty("suggestions") List<Suggestion> suggestions) {}
}

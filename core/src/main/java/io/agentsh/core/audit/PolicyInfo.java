package io.agentsh.core.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/** The "policy" object of an event (reference pkg/types/events.go PolicyInfo). */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"decision", "effective_decision", "rule", "message", "approval", "redirect"})
public record PolicyInfo(
        @JsonProperty("decision") String decision,
        @JsonProperty("effective_decision") String effectiveDecision,
        @JsonProperty("rule") String rule,
        @JsonProperty("message") String message,
        @JsonProperty("approval") Approval approval,
        @JsonProperty("redirect") Redirect redirect) {

    public PolicyInfo(String decision, String effectiveDecision, String rule, String message) {
        this(decision, effectiveDecision, rule, message, null, null);
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @JsonPropertyOrder({"required", "mode", "id"})
    public record Approval(@JsonProperty("required") boolean required,
                           @JsonProperty("mode") String mode,
                           @JsonProperty("id") String id) {}

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @JsonPropertyOrder({"command", "args", "args_append", "environment", "reason"})
    public record Redirect(@JsonProperty("command") String command,
                           @JsonProperty("args") List<String> args,
                           @JsonProperty("args_append") List<String> argsAppend,
                           @JsonProperty("environment") Map<String, String> environment,
                           @JsonProperty("reason") String reason) {}
}

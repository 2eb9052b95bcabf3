package io.agentsh.core.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/** Body of POST .../exec (reference pkg/types/exec.go ExecRequest); echoed back in the response. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"command", "argv0", "args", "timeout", "working_dir", "env", "stdin", "stream_output",
        "include_events"})
public record ExecRequest(
        @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("command") String command,
        @JsonProperty("argv0") String argv0,
        @JsonProperty("args") List<String> args,
        @JsonProperty("timeout") String timeout,
        @JsonProperty("working_dir") String workingDir,
        @JsonProperty("env") Map<String, String> env,
        @JsonProperty("stdin") String stdin,
        @JsonProperty("stream_output") Boolean streamOutput,
        @JsonProperty("include_events") String includeEvents) {

    public ExecRequest {
        if (Boolean.FALSE.equals(streamOutput)) streamOutput = null;
    }

    public List<String> argsOrEmpty() {
        return args == null ? List.of() : args;
    }

    public ExecRequest withCommand(String cmd, List<String> newArgs) {
        return new ExecRequest(cmd, argv0, newArgs, timeout, workingDir, env, stdin, streamOutput, includeEvents);
    }
}

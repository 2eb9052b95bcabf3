package io.agentsh.core.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.agentsh.core.json.GoTime;
import io.agentsh.core.session.Session;
import java.time.Instant;

/** The session object of the API (reference pkg/types/sessions.go Session), in field order. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"id", "state", "created_at", "workspace", "workspace_mount", "policy", "profile", "mounts", "cwd",
        "virtual_root", "proxy_url", "llm_proxy_url", "db_proxy_socket_dir", "project_root", "git_root"})
public record SessionView(
        @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("id") String id,
        @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("state") String state,
        @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("created_at")
        @JsonSerialize(using = GoTime.Serializer.class) Instant createdAt,
        @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("workspace") String workspace,
        @JsonProperty("workspace_mount") String workspaceMount,
        @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("policy") String policy,
        @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("cwd") String cwd,
        @JsonProperty("virtual_root") String virtualRoot,
        @JsonProperty("proxy_url") String proxyUrl,
        @JsonProperty("llm_proxy_url") String llmProxyUrl,
        @JsonProperty("project_root") String projectRoot,
        @JsonProperty("git_root") String gitRoot) {

    public static SessionView of(Session s) {
        return new SessionView(s.id(), s.state().wire(), s.createdAt(), s.workspace().toString(),
                s.reportedWorkspaceMount().toString(), s.policyName(), s.cwd(), s.virtualRoot(), s.networkProxyUrl(), s.proxy() == null ? null : "http://" + s.proxy().address(),
                s.roots().projectRoot().toString(), s.roots().gitRoot().toString());
    }
}

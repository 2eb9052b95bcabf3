package io.agentsh.core.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.agentsh.core.session.Session;
import java.util.List;

/** GET .../proxy (reference §2.8 ProxyStatus). The network layer fills the session's proxy facts. */
@JsonPropertyOrder({"state", "address", "mode", "dlp_mode", "active_patterns", "pattern_names", "total_requests",
        "requests_with_redactions", "total_input_tokens", "total_output_tokens"})
public record ProxyStatus(@JsonProperty("state") String state, @JsonProperty("address") String address,
                          @JsonProperty("mode") String mode, @JsonProperty("dlp_mode") String dlpMode,
                          @JsonProperty("active_patterns") int activePatterns,
                          @JsonInclude(JsonInclude.Include.NON_EMPTY) @JsonProperty("pattern_names") List<String> patternNames,
                          @JsonProperty("total_requests") long totalRequests,
                          @JsonProperty("requests_with_redactions") long requestsWithRedactions,
                          @JsonProperty("total_input_tokens") long totalInputTokens,
                          @JsonProperty("total_output_tokens") long totalOutputTokens) {

    static ProxyStatus of(Session s) {
        Session.ProxyInfo p = s.proxy();
        if (p == null) return new ProxyStatus("not configured", "", "embedded", "disabled", 0, null, 0, 0, 0, 0);
        return new ProxyStatus("running", p.address(), p.mode(), p.dlpMode(), p.patternNames().size(),
                p.patternNames(), 0, 0, 0, 0);
    }
}

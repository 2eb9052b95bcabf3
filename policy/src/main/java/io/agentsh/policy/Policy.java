package io.agentsh.policy;

import io.agentsh.policy.model.AuditSettings;
import io.agentsh.policy.model.CommandRule;
import io.agentsh.policy.model.ConnectRedirectRule;
import io.agentsh.policy.model.DnsRedirectRule;
import io.agentsh.policy.model.EnvPolicy;
import io.agentsh.policy.model.FileRule;
import io.agentsh.policy.model.NetworkRule;
import io.agentsh.policy.model.RegistryRule;
import io.agentsh.policy.model.SignalRule;
import io.agentsh.policy.model.TransparentCommands;
import io.agentsh.policy.model.UnixSocketRule;
import java.util.List;
import java.util.Map;

/**
 * A loaded, validated policy file (reference §2), before compilation. Sections we carry but do
 * not interpret (mcp_rules, process_contexts, providers, http_services, db_services, ...) are kept
 * in {@link #opaque()} as plain values (maps, lists, strings). {@link #document()} is the whole
 * file as plain values, for {@code agentsh policy show}. {@link #warnings()}: what the loader
 * accepted but had to interpret (an operation name no layer produces, a glob-style args pattern).
 */
public record Policy(String source, int version, String name, String description,
                     List<FileRule> fileRules, List<NetworkRule> networkRules, List<CommandRule> commandRules,
                     List<UnixSocketRule> unixSocketRules, List<RegistryRule> registryRules,
                     List<SignalRule> signalRules, List<DnsRedirectRule> dnsRedirects,
                     List<ConnectRedirectRule> connectRedirects, ResourceLimits resourceLimits,
                     EnvPolicy envPolicy, AuditSettings audit, Map<String, String> envInject,
                     TransparentCommands transparentCommands, Map<String, Object> opaque,
                     Map<String, Object> document, List<Problem> warnings) {

    public Policy {
        fileRules = List.copyOf(fileRules);
        networkRules = List.copyOf(networkRules);
        commandRules = List.copyOf(commandRules);
        unixSocketRules = List.copyOf(unixSocketRules);
        registryRules = List.copyOf(registryRules);
        signalRules = List.copyOf(signalRules);
        dnsRedirects = List.copyOf(dnsRedirects);
        connectRedirects = List.copyOf(connectRedirects);
        envInject = Map.copyOf(envInject);
        opaque = Map.copyOf(opaque);
        warnings = List.copyOf(warnings);
    }
}

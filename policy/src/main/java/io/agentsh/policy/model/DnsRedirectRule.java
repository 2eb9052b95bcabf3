package io.agentsh.policy.model;

import io.agentsh.policy.SourcePos;

/** One {@code dns_redirects} entry (reference §10). */
public record DnsRedirectRule(String name, String match, String resolveTo, String visibility, String onFailure,
                              SourcePos pos) {}

package io.agentsh.policy;

/** A matching {@code dns_redirects} entry: answer the query with {@code resolveTo}. */
public record DnsRedirect(String name, String resolveTo, String visibility, String onFailure) {}

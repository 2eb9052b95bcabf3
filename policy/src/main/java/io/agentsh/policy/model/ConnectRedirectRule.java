package io.agentsh.policy.model;

import io.agentsh.policy.SourcePos;

/** One {@code connect_redirects} entry (reference §10). */
public record ConnectRedirectRule(String name, String match, String redirectTo, String redirectToUnix,
                                  String tlsMode, String sni, String visibility, String message, String onFailure,
                                  SourcePos pos) {}

package io.agentsh.policy;

/**
 * A matching {@code connect_redirects} entry: connect to {@code redirectTo} ("host:port") or the
 * unix socket {@code redirectToUnix} instead. {@code tlsMode}: passthrough | rewrite_sni (with {@code sni}).
 */
public record ConnectRedirect(String name, String redirectTo, String redirectToUnix, String tlsMode, String sni,
                              String visibility, String message, String onFailure) {}

package io.agentsh.policy.model;

import io.agentsh.policy.SourcePos;
import java.time.Duration;
import java.util.List;

/** One {@code unix_socket_rules} entry (reference §7); abstract sockets are written {@code @name}. */
public record UnixSocketRule(String name, String description, List<String> paths, List<String> operations,
                             String decision, String message, Duration timeout, SourcePos pos) {}

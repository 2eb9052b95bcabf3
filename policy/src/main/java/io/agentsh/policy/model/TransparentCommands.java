package io.agentsh.policy.model;

import java.util.List;

/** {@code transparent_commands}: wrappers to add to / remove from the built-in unwrap list. */
public record TransparentCommands(List<String> add, List<String> remove) {
    public static final TransparentCommands NONE = new TransparentCommands(List.of(), List.of());
}

package io.agentsh.policy;

import java.util.List;
import java.util.Map;

/** A command rule's {@code redirect_to}: run {@code command args...} instead (reference §6.6). */
public record CommandRedirect(String command, List<String> args, List<String> argsAppend, Map<String, String> environment) {
    public CommandRedirect {
        args = List.copyOf(args == null ? List.of() : args);
        argsAppend = List.copyOf(argsAppend == null ? List.of() : argsAppend);
        environment = Map.copyOf(environment == null ? Map.of() : environment);
    }
}

package io.agentsh.core.session;

import java.util.LinkedHashMap;
import java.util.Map;

/** The captured output of a session's most recent commands, for GET .../output/{cmdID}. */
public final class CommandOutputs {
    public record Output(byte[] stdout, byte[] stderr, long stdoutTotal, long stderrTotal,
                         boolean stdoutTruncated, boolean stderrTruncated) {}

    private final int keep;
    private final LinkedHashMap<String, Output> byCommand;

    public CommandOutputs(int keep) {
        this.keep = keep;
        this.byCommand = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Output> eldest) {
                return size() > CommandOutputs.this.keep;
            }
        };
    }

    public synchronized void put(String commandId, Output o) {
        byCommand.put(commandId, o);
    }

    public synchronized Output get(String commandId) {
        return byCommand.get(commandId);
    }
}

package io.agentsh.proxy.dlp;

import java.util.List;
import java.util.stream.Collectors;

/** The result of scanning an HTTP body: the bytes to send on, and what was found where. */
public record BodyRedaction(byte[] body, List<FieldRedaction> redactions, boolean changed, boolean blocked) {

    public BodyRedaction {
        redactions = List.copyOf(redactions);
    }

    public String blockReason() {
        return "blocked by DLP: " + redactions.stream().map(FieldRedaction::type).distinct().sorted()
                .collect(Collectors.joining(", "));
    }
}

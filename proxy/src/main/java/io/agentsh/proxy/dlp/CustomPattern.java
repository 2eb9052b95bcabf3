package io.agentsh.proxy.dlp;

import java.util.Objects;

/** One entry of {@code dlp.custom_patterns}: internal name, label shown in output, RE2 regex. */
public record CustomPattern(String name, String display, String regex) {
    public CustomPattern {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(regex, "regex");
        if (display == null || display.isEmpty()) {
            display = name;   // the reference's default
        }
    }
}

package io.agentsh.proxy.dlp;

import io.agentsh.policy.ServerConfig;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds {@link DlpSettings} from the loaded server config ({@code dlp:} block). */
public final class DlpConfig {
    private DlpConfig() {
    }

    /**
     * Reads dlp.mode, dlp.patterns.* and dlp.custom_patterns. {@code dlp.scan_command_output} is
     * read when the config schema knows it, else it takes its default (on for redact/tokenize).
     *
     * @throws IllegalArgumentException naming the key when a value has the wrong shape
     */
    public static DlpSettings fromServerConfig(ServerConfig config) {
        DlpMode mode = DlpMode.parse(config.string("dlp.mode"));
        Set<BuiltinDetector> builtins = EnumSet.noneOf(BuiltinDetector.class);
        for (BuiltinDetector b : BuiltinDetector.values()) {
            if (config.bool("dlp.patterns." + b.configKey())) {
                builtins.add(b);
            }
        }
        Boolean scanOutput = null;
        try {
            Object v = config.raw("dlp.scan_command_output");
            scanOutput = v instanceof Boolean b ? b : null;
        } catch (IllegalArgumentException notInSchema) {
            // the key is ours; until the schema lists it, the default applies
        }
        return new DlpSettings(mode, builtins, customPatterns(config.raw("dlp.custom_patterns")), scanOutput);
    }

    /** {@code dlp.custom_patterns} as plain YAML values: a list of maps with name, display, regex. */
    public static List<CustomPattern> customPatterns(Object raw) {
        if (raw == null) {
            return List.of();
        }
        if (!(raw instanceof List<?> list)) {
            throw new IllegalArgumentException("dlp.custom_patterns: expected a list of {name, display, regex}");
        }
        List<CustomPattern> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map<?, ?> m) || !(m.get("name") instanceof String name)
                    || !(m.get("regex") instanceof String regex)) {
                throw new IllegalArgumentException("dlp.custom_patterns[" + i + "]: needs string 'name' and 'regex'");
            }
            Object display = m.get("display");
            out.add(new CustomPattern(name, display == null ? null : String.valueOf(display), regex));
        }
        return out;
    }
}

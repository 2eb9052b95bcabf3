package io.agentsh.proxy.dlp;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code dlp:} block of the server config, as the daemon hands it over.
 *
 * @param builtins           the built-ins switched on under {@code dlp.patterns}; empty means
 *                           "none listed", which (as in the reference) turns all five on
 * @param customPatterns     {@code dlp.custom_patterns} in config order
 * @param scanCommandOutput  {@code dlp.scan_command_output}; null means the default: on when the
 *                           mode is redact or tokenize
 */
public record DlpSettings(DlpMode mode, Set<BuiltinDetector> builtins, List<CustomPattern> customPatterns,
                          Boolean scanCommandOutput) {

    public DlpSettings {
        mode = mode == null ? DlpMode.REDACT : mode;
        builtins = builtins == null || builtins.isEmpty() ? EnumSet.allOf(BuiltinDetector.class) : EnumSet.copyOf(builtins);
        customPatterns = customPatterns == null ? List.of() : List.copyOf(customPatterns);
    }

    /** The reference's defaults: redact, all five built-ins, no custom patterns. */
    public static DlpSettings defaults() {
        return new DlpSettings(DlpMode.REDACT, Set.of(), List.of(), null);
    }

    public boolean scansCommandOutput() {
        if (scanCommandOutput != null) {
            return scanCommandOutput && mode != DlpMode.DISABLED;
        }
        return mode == DlpMode.REDACT || mode == DlpMode.TOKENIZE;
    }
}

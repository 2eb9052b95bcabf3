package io.agentsh.policy;

import io.agentsh.policy.internal.load.PolicyParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Reads policy YAML. Every problem (malformed YAML, unknown key, wrong type, bad regex / CIDR /
 * glob / duration / decision) is collected and reported as {@code FILE:LINE:COL: message} in one
 * {@link PolicyException}.
 */
public final class PolicyLoader {
    private static final Pattern NAME = Pattern.compile("^[A-Za-z0-9_-]+$");

    private PolicyLoader() {}

    public static Policy load(Path file) throws PolicyException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PolicyException(new Problem(file.toString(), 0, 0, Problem.Severity.ERROR,
                    "cannot read policy: " + describe(e)));
        }
        return parse(file.toString(), text);
    }

    /** Parses policy text; {@code sourceName} is used in problem locations. */
    public static Policy parse(String sourceName, String yaml) throws PolicyException {
        return PolicyParser.parse(sourceName, yaml);
    }

    /** Whether {@code name} is a valid policy name ({@code ^[A-Za-z0-9_-]+$}). */
    public static boolean isValidName(String name) { return name != null && NAME.matcher(name).matches(); }

    /**
     * Finds policy {@code name} in {@code dir}: {@code name.yaml}, {@code name.yml}, {@code name}.
     * @throws PolicyException {@code invalid policy name} / {@code policy "x" not found in "dir"}
     */
    public static Path resolve(Path dir, String name) throws PolicyException {
        if (!isValidName(name)) {
            throw new PolicyException(new Problem(String.valueOf(name), 0, 0, Problem.Severity.ERROR, "invalid policy name"));
        }
        if (dir == null || dir.toString().isEmpty()) {
            throw new PolicyException(new Problem(name, 0, 0, Problem.Severity.ERROR, "policy dir is empty"));
        }
        for (String candidate : new String[] {name + ".yaml", name + ".yml", name}) {
            Path p = dir.resolve(candidate);
            if (Files.isRegularFile(p)) return p;
        }
        throw new PolicyException(new Problem(name, 0, 0, Problem.Severity.ERROR,
                "policy \"" + name + "\" not found in \"" + dir + "\""));
    }

    static String describe(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) return "no such file";
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}

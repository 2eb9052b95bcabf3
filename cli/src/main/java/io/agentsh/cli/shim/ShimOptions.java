package io.agentsh.cli.shim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Flags and helpers the three shim verbs share. */
abstract class ShimOptions {
    static final String HOST_ACK_FLAG = "--i-understand-this-modifies-the-host";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec
    CommandSpec spec;

    @Option(names = "--root", defaultValue = "/", description = "Root directory to operate on (default /).")
    String root;

    @Option(names = "--bash", description = "Also act on /bin/bash.")
    boolean bash;

    @Option(names = "--bash-only", description = "Act only on /bin/bash (leave /bin/sh alone).")
    boolean bashOnly;

    @Option(names = "--output", defaultValue = "shell", description = "shell or json.")
    String output;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    RootPaths rootPaths() {
        return new RootPaths(Path.of(root));
    }

    List<ShellTarget> shells(RootPaths r) throws IOException {
        if (bash && bashOnly) {
            throw new UsageError("--bash and --bash-only are mutually exclusive");
        }
        return ShellTarget.select(r, bash, bashOnly);
    }

    void checkOutput() {
        if (!output.equals("shell") && !output.equals("json")) {
            throw new UsageError("invalid --output " + '"' + output + '"' + " (expected shell or json)");
        }
    }

    /** Changing the machine's own shells needs the explicit acknowledgement (not for --dry-run). */
    static void requireHostAck(RootPaths r, boolean dryRun, boolean ack) throws IOException {
        if (!dryRun && !ack && r.isHostRoot()) {
            throw new UsageError("refusing to modify host rootfs (\"/\"); pass " + HOST_ACK_FLAG + " to continue");
        }
    }

    void printPlan(RootPaths r, String shimPath, List<PlanAction> plan) throws JsonProcessingException {
        if (output.equals("json")) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("root", r.root().toString());
            if (shimPath != null) {
                doc.put("shim", shimPath);
            }
            doc.put("actions", plan.stream().map(PlanAction::toJson).toList());
            out().println(JSON.writeValueAsString(doc));
        } else {
            plan.forEach(a -> out().println(a.describe()));
        }
        out().flush();
    }

    static String json(Object o) throws JsonProcessingException {
        return JSON.writeValueAsString(o);
    }

    /** Runs a verb: usage and I/O problems become one line on stderr and exit 1, never a trace. */
    int run(ShimAction action) {
        try {
            checkOutput();
            return action.run();
        } catch (UsageError e) {
            err().println(e.getMessage());
        } catch (IOException e) {
            err().println("agentsh shim: " + describe(e));
        }
        err().flush();
        return 1;
    }

    private static String describe(IOException e) {
        if (e instanceof java.nio.file.FileSystemException fse) {
            String reason = fse.getReason() == null ? e.getClass().getSimpleName() : fse.getReason();
            return (fse.getFile() == null ? "" : fse.getFile() + ": ") + reason;
        }
        return e.getMessage();
    }

    @FunctionalInterface
    interface ShimAction {
        int run() throws IOException;
    }

    static final class UsageError extends RuntimeException {
        UsageError(String message) {
            super(message);
        }
    }
}

package io.agentsh.cli.detect;

import io.agentsh.core.kernel.detect.DetectRenderer;
import io.agentsh.core.kernel.detect.DetectReport;
import io.agentsh.core.kernel.detect.MechanismProbes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code agentsh detect [-o table|json]} and {@code agentsh detect config [-o FILE]}. */
@Command(name = "detect", mixinStandardHelpOptions = true, subcommands = DetectCommand.Config.class,
        description = "Probe the kernel security mechanisms this machine offers and the mode the server will use.")
public final class DetectCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = {"-o", "--output"}, defaultValue = "table", paramLabel = "FORMAT", description = "table (default) or json")
    String output;

    static DetectReport probe() {
        return DetectReport.from(new MechanismProbes(MechanismProbes.findWrapper()).probeAll());
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        switch (output) {
            case "table" -> out.print(DetectRenderer.table(probe()));
            case "json" -> out.print(DetectRenderer.json(probe()));
            default -> {
                spec.commandLine().getErr().println("agentsh: detect: unknown output format '" + output + "' (table or json)");
                return 2;
            }
        }
        out.flush();
        return 0;
    }

    @Command(name = "config", mixinStandardHelpOptions = true,
            description = "Print (or write) the config blocks that match this machine's capabilities.")
    static final class Config implements Callable<Integer> {
        @ParentCommand DetectCommand parent;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write to FILE instead of stdout")
        Path file;

        @Override
        public Integer call() {
            String text = DetectRenderer.config(probe());
            if (file == null) {
                parent.spec.commandLine().getOut().print(text);
                parent.spec.commandLine().getOut().flush();
                return 0;
            }
            try {
                Files.writeString(file, text, StandardCharsets.UTF_8);
                return 0;
            } catch (IOException e) {
                parent.spec.commandLine().getErr().println("agentsh: detect config: cannot write " + file + ": " + e.getMessage());
                return 1;
            }
        }
    }
}

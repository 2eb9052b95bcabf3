package io.agentsh.cli.policy;

import io.agentsh.cli.GoJson;
import io.agentsh.policy.Engine;
import io.agentsh.policy.Policy;
import io.agentsh.policy.PolicyException;
import io.agentsh.policy.Problem;
import io.agentsh.policy.ServerConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code agentsh policy validate|show}. */
@Command(name = "policy", description = "Validate and show policies.", mixinStandardHelpOptions = true,
        subcommands = {PolicyCommand.Validate.class, PolicyCommand.Show.class})
public final class PolicyCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override public void run() { spec.commandLine().usage(spec.commandLine().getOut()); }

    @Command(name = "validate", description = "Load and compile policies; print ok, or FILE:LINE:COL: problem lines (exit 2).",
            mixinStandardHelpOptions = true)
    public static final class Validate implements java.util.concurrent.Callable<Integer> {
        @Spec CommandSpec spec;

        @Parameters(arity = "1..*", paramLabel = "FILE_OR_NAME", description = "policy file or name in the policies dir")
        List<String> targets;

        @Option(names = "--config", paramLabel = "FILE", description = "server config (for the policies dir)")
        Path config;

        @Override public Integer call() {
            PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
            ServerConfig cfg;
            try {
                cfg = PolicySources.config(config);
            } catch (CliFailure f) {
                f.lines().forEach(err::println);
                return 2;
            }
            int code = 0;
            for (String t : targets) {
                try {
                    Path file = PolicySources.resolve(t, cfg);
                    Policy p = PolicySources.load(file);
                    Engine e = Engine.compile(p, PolicySources.options(cfg, null));
                    for (Problem w : e.warnings()) {
                        if (!w.message().contains("undefined variable")) err.println(w);
                    }
                    out.println(targets.size() == 1 ? "ok" : t + ": ok");
                } catch (CliFailure f) {
                    f.lines().forEach(err::println);
                    code = 2;
                } catch (PolicyException e) {
                    e.problems().forEach(err::println);
                    code = 2;
                }
            }
            return code;
        }
    }

    @Command(name = "show", description = "Print a policy as loaded (YAML, or JSON with --json).", mixinStandardHelpOptions = true)
    public static final class Show implements java.util.concurrent.Callable<Integer> {
        @Spec CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", description = "policy name (or file)")
        String name;

        @Option(names = "--config", paramLabel = "FILE") Path config;
        @Option(names = "--json", description = "print JSON") boolean json;

        @Override public Integer call() {
            PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
            try {
                ServerConfig cfg = PolicySources.config(config);
                Policy p = PolicySources.load(PolicySources.resolve(name, cfg));
                if (json) {
                    out.println(GoJson.write(p.document()));
                } else {
                    DumpSettings ds = DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).setIndent(2)
                            .setIndicatorIndent(2).setIndentWithIndicator(true).setWidth(120).build();
                    out.print(new Dump(ds).dumpToString(p.document()));
                }
                return 0;
            } catch (CliFailure f) {
                f.lines().forEach(err::println);
                return 2;
            }
        }
    }
}

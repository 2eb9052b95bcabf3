package io.agentsh.cli;

import io.agentsh.cli.client.ApproveCommand;
import io.agentsh.cli.client.EventsCommand;
import io.agentsh.cli.client.ExecCommand;
import io.agentsh.cli.client.KillCommand;
import io.agentsh.cli.client.OutputCommand;
import io.agentsh.cli.client.SessionCommand;
import io.agentsh.cli.policy.DebugCommand;
import io.agentsh.cli.server.ServerCommand;
import io.agentsh.cli.policy.PolicyCommand;
import io.agentsh.cli.policy.PolicyTestCommand;
import io.agentsh.cli.shim.ShimCommand;
import io.agentsh.cli.trash.TrashCommand;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code agentsh}: the root command. Verbs are separate classes registered in {@link #VERBS};
 * add new ones there. The root options {@code --server} and {@code --api-key} are read by verbs
 * through {@link #of(CommandSpec)}.
 */
@Command(name = "agentsh", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Runtime security governance for AI agents.", subcommandsRepeatable = false)
public final class Main implements Runnable {

    /** Every top-level verb, in help order. Other verbs (server, session, exec, events, approve, ...) go here too. */
    public static final List<Class<?>> VERBS = List.of(
            ServerCommand.class,
            SessionCommand.class,
            ExecCommand.class,
            KillCommand.class,
            OutputCommand.class,
            EventsCommand.class,
            ApproveCommand.class,
            DebugCommand.class,
            PolicyTestCommand.class,
            PolicyCommand.class,
            ShimCommand.class,
            TrashCommand.class,
            io.agentsh.cli.detect.DetectCommand.class);

    @Option(names = "--server", paramLabel = "URL", defaultValue = "${env:AGENTSH_SERVER:-http://127.0.0.1:18080}",
            description = "agentsh server URL (env AGENTSH_SERVER; default ${DEFAULT-VALUE})")
    private String server;

    @Option(names = "--api-key", paramLabel = "KEY", defaultValue = "${env:AGENTSH_API_KEY}",
            description = "API key for the server (env AGENTSH_API_KEY)")
    private String apiKey;

    @CommandLine.Spec
    private CommandSpec spec;

    public String server() { return server; }
    public String apiKey() { return apiKey == null || apiKey.isEmpty() ? null : apiKey; }

    /** The root command object of the command line {@code spec} belongs to. */
    public static Main of(CommandSpec spec) { return (Main) spec.root().userObject(); }

    @Override public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The configured command line (also used by tests). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        for (Class<?> verb : VERBS) cl.addSubcommand(verb);
        cl.setParameterExceptionHandler(new UsageErrorHandler());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            // Never a stack trace for the user.
            cmd.getErr().println("agentsh: " + (ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage()));
            return 2;
        });
        return cl;
    }

    /** Runs {@code args} with the given output streams; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = commandLine();
        cl.setOut(out);
        cl.setErr(err);
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }
}

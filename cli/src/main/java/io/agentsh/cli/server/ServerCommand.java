package io.agentsh.cli.server;

import io.agentsh.core.Daemon;
import io.agentsh.core.config.ConfigAdapter;
import io.agentsh.core.config.ConfigLocator;
import io.agentsh.core.config.DaemonConfig;
import io.agentsh.core.policy.FilePolicyProvider;
import io.agentsh.policy.LoadedConfig;
import io.agentsh.policy.PolicyException;
import io.agentsh.policy.Problem;
import io.agentsh.policy.ServerConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** agentsh server [--config PATH] [--check-config] (cli-api-shim.md §1.1). */
@Command(name = "server", description = "Run the agentsh server")
public final class ServerCommand implements Callable<Integer> {
    @Option(names = "--config", description = "config file (default: $AGENTSH_CONFIG, ~/.config/agentsh/config.yaml, "
            + "/etc/agentsh/config.yaml)")
    Path config;

    @Option(names = "--check-config", description = "load the config, print warnings and the keys accepted but "
            + "not acted on, and exit")
    boolean checkConfig;

    @picocli.CommandLine.Mixin
    io.agentsh.cli.guard.OperatorCredential operator;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%6$s%n");
        ConfigLocator.Located where = ConfigLocator.locate(config, System.getenv());
        Path file = where.path();
        if (!Files.exists(file)) {
            System.err.println("read config: open " + file + ": no such file or directory");
            return 1;
        }
        LoadedConfig loaded;
        try {
            loaded = ServerConfigLoader.load(file);
        } catch (PolicyException e) {
            System.err.println(e.getMessage());
            return 1;
        }
        for (Problem w : loaded.warnings()) System.err.println(w);
        if (!checkConfig) {
            // A second daemon inside a session could answer the shim in place of the real one.
            Integer refused = operator.refusal(io.agentsh.cli.guard.OperatorGuard.START_DAEMON, spec.commandLine().getErr());
            if (refused != null) return refused;
        }
        if (checkConfig) {
            for (String k : loaded.config().acceptedNotActedOn()) System.out.println("accepted, not acted on: " + k);
            System.out.println("ok");
            return 0;
        }
        long tConfig = System.nanoTime();
        DaemonConfig dc = ConfigAdapter.from(loaded.config());
        // Under kernel enforcement the supervisor sees every execve, so opaque `sh -c` scripts are
        // not pre-denied by the API/shim check (the kernel checks each program they run).
        boolean kernel = io.agentsh.core.layers.KernelLayer.wanted(loaded.config());
        FilePolicyProvider policies = new FilePolicyProvider(dc.policiesDir(), dc.defaultPolicy(),
                loaded.config().engineOptions().execveEnforcement(kernel), Duration.ofSeconds(1));
        long tPolicy = System.nanoTime();
        Daemon daemon;
        try {
            daemon = Daemon.create(dc, policies);
        } catch (IllegalStateException e) {
            policies.close();
            System.err.println(e.getMessage());
            return 1;
        }
        try {
            io.agentsh.proxy.dlp.DlpSettings dlp = io.agentsh.proxy.dlp.DlpConfig.fromServerConfig(loaded.config());
            if (dlp.scansCommandOutput()) {
                daemon.execService().outputRedactors().enable(io.agentsh.proxy.dlp.DlpEngine.compile(dlp), dlp.mode());
            }
        } catch (io.agentsh.proxy.dlp.DlpConfigException e) {
            daemon.close();
            System.err.println("dlp: " + e.getMessage());
            return 1;
        }
        try {
            io.agentsh.core.layers.Layers.install(daemon, loaded.config());
        } catch (IllegalStateException e) {
            daemon.close();
            System.err.println(e.getMessage());
            return 1;
        }
        // Listen only now: no request may be served before every layer is in place.
        try {
            daemon.listen();
        } catch (IllegalStateException e) {
            System.err.println(e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("agentsh-shutdown").unstarted(() -> {
            daemon.close();
            stopped.countDown();
        }));
        System.out.println("agentsh server listening on " + dc.httpAddr());
        System.out.flush();
        java.util.logging.Logger.getLogger("io.agentsh.cli.server").info("ready " + java.lang.management
                .ManagementFactory.getRuntimeMXBean().getUptime() + " ms after JVM start (policy "
                + (tPolicy - tConfig) / 1_000_000 + " ms, daemon " + (System.nanoTime() - tPolicy) / 1_000_000 + " ms)");
        stopped.await();
        return 0;
    }
}

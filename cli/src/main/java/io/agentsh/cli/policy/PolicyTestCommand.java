package io.agentsh.cli.policy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentsh.cli.GoJson;
import io.agentsh.cli.Main;
import io.agentsh.policy.Engine;
import io.agentsh.policy.FileOperation;
import io.agentsh.policy.PolicyException;
import io.agentsh.policy.ServerConfig;
import io.agentsh.policy.TemplateContext;
import io.agentsh.policy.Verdict;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code agentsh debug policy-test} (alias {@code agentsh policy-test}): what would the policy
 * decide for one operation. Locally from the config's policies, or, with {@code --session}, by
 * asking the server ({@code POST /api/v1/policy/test}).
 */
@Command(name = "policy-test", description = "Test a policy decision for one operation.", mixinStandardHelpOptions = true)
public final class PolicyTestCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--op", paramLabel = "OP", description = "exec|command, read, write, create, delete, rmdir, mkdir, rename, "
            + "chmod, stat, list, readlink, ... (file_ prefix allowed), connect (net_ prefix allowed)")
    String op;

    @Option(names = "--path", paramLabel = "TARGET", description = "file path, command, or host[:port]")
    String path;

    @Option(names = "--args", paramLabel = "ARG", description = "command arguments for exec (repeatable; a single value is split on spaces)")
    List<String> args;

    @Option(names = "--policy", paramLabel = "NAME|FILE", description = "policy name in the policies dir, or a file (default: the config's policies.default)")
    String policy;

    @Option(names = "--config", paramLabel = "FILE", description = "server config file")
    Path config;

    @Option(names = "--session", paramLabel = "SID", description = "ask the server, using this session's policy")
    String session;

    @Option(names = "--var", paramLabel = "NAME=VALUE", description = "policy variable for local evaluation (HOME, PROJECT_ROOT, GIT_ROOT, ...)")
    Map<String, String> vars;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Override public Integer call() {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        try {
            if (op == null || op.isEmpty()) throw new CliFailure(CliFailure.REFERENCE_ERROR, "--op is required");
            if (path == null || path.isEmpty()) throw new CliFailure(CliFailure.REFERENCE_ERROR, "--path is required");
            Map<String, Object> result = session != null ? remote() : local();
            print(out, result);
            return 0;
        } catch (CliFailure f) {
            f.lines().forEach(err::println);
            return f.exitCode();
        }
    }

    private List<String> argList() {
        if (args == null) return List.of();
        if (args.size() == 1) {
            String s = args.get(0).trim();
            return s.isEmpty() ? List.of() : List.of(s.split("\\s+"));
        }
        return args;
    }

    // ---- local evaluation -------------------------------------------------------------------

    private Map<String, Object> local() throws CliFailure {
        ServerConfig cfg = PolicySources.config(config);
        String name = policy != null ? policy : cfg.policiesDefault();
        Path file = PolicySources.resolve(name, cfg);
        Engine engine;
        try {
            engine = Engine.compile(PolicySources.load(file), PolicySources.options(cfg, vars));
        } catch (PolicyException e) {
            throw PolicySources.failure(e);
        }
        String o = op.toLowerCase(Locale.ROOT).trim();
        Verdict v;
        TemplateContext ctx;
        if (o.equals("exec") || o.equals("command")) {
            List<String> a = argList();
            v = engine.checkCommand(path, a);
            ctx = TemplateContext.forCommand(path, a);
        } else if (o.equals("connect") || o.equals("net") || o.startsWith("net_")) {
            String[] hp = splitHostPort(path);
            int port = 443;
            try {
                port = Integer.parseInt(hp[1]);
            } catch (NumberFormatException e) {
                // reference: a non-numeric port means 443
            }
            v = engine.checkNetwork(hp[0], port, List.of());
            ctx = TemplateContext.forNetwork(hp[0], hp[0], port);
        } else {
            String fo = o.startsWith("file_") ? o.substring(5) : o;
            FileOperation fop = FileOperation.parse(fo);
            if (fop == null) {
                throw new CliFailure("unknown operation \"" + op + "\" (expected exec, command, connect, net_connect, "
                        + "or a file operation: read, open, stat, list, readlink, access, write, create, delete, rmdir, "
                        + "mkdir, rename, link, symlink, chmod, chown, mknod, with or without the file_ prefix)");
            }
            v = engine.checkFile(path, fop);
            ctx = TemplateContext.forFile(Engine.normalisePath(path), fop);
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("decision", v.effectiveDecision().wireName());
        r.put("policy_decision", v.policyDecision().wireName());
        r.put("rule", v.rule());
        r.put("reason", v.renderMessage(ctx));
        if (v.redirect() != null) {
            Map<String, Object> red = new LinkedHashMap<>();
            red.put("command", v.redirect().command());
            red.put("args", v.redirect().args());
            r.put("redirect", red);
        }
        return r;
    }

    /** Go's net.SplitHostPort, with the reference's fallback: on error the whole text is the host and the port 443. */
    static String[] splitHostPort(String s) {
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close > 0 && close + 1 < s.length() && s.charAt(close + 1) == ':' && s.indexOf(':', close + 2) < 0) {
                return new String[] {s.substring(1, close), s.substring(close + 2)};
            }
            return new String[] {s, "443"};
        }
        int colon = s.lastIndexOf(':');
        if (colon < 0 || s.indexOf(':') != colon) return new String[] {s, "443"};
        return new String[] {s.substring(0, colon), s.substring(colon + 1)};
    }

    // ---- remote ------------------------------------------------------------------------------

    /** Asks the server; a failure here exits 1, as the reference's debug policy-test (cli-api-shim.md §1.8). */
    private Map<String, Object> remote() throws CliFailure {
        Main root = Main.of(spec);
        String base = root.server().endsWith("/") ? root.server().substring(0, root.server().length() - 1) : root.server();
        ObjectMapper mapper = new ObjectMapper();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("operation", op);
        body.put("path", path);
        body.put("session_id", session);
        if (args != null) body.put("args", argList());
        HttpRequest.Builder rb;
        try {
            rb = HttpRequest.newBuilder(URI.create(base + "/api/v1/policy/test")).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(body)));
        } catch (IllegalArgumentException | IOException e) {
            throw new CliFailure(CliFailure.REFERENCE_ERROR, "invalid --server URL \"" + root.server() + "\"");
        }
        if (root.apiKey() != null) rb.header("X-API-Key", root.apiKey());
        HttpResponse<String> resp;
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            resp = client.send(rb.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new CliFailure(CliFailure.REFERENCE_ERROR, "cannot reach agentsh server at " + base + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure(CliFailure.REFERENCE_ERROR, "interrupted");
        }
        Map<String, Object> m;
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> parsed = mapper.readValue(resp.body(), Map.class);
            m = parsed;
        } catch (IOException e) {
            throw new CliFailure(CliFailure.REFERENCE_ERROR, "server answered HTTP " + resp.statusCode() + " with a body that is not JSON");
        }
        if (resp.statusCode() != 200) {
            Object error = m.get("error");
            throw new CliFailure(CliFailure.REFERENCE_ERROR, "server answered HTTP " + resp.statusCode() + (error == null ? "" : ": " + error));
        }
        return m;
    }

    // ---- output -------------------------------------------------------------------------------

    private void print(PrintWriter out, Map<String, Object> r) {
        if (json) {
            out.println(GoJson.write(r));
            return;
        }
        out.println("Operation: " + op);
        out.println("Path:      " + path);
        out.println();
        out.println("Decision:  " + String.valueOf(r.getOrDefault("decision", "")).toUpperCase(Locale.ROOT));
        String rule = str(r.get("rule")), reason = str(r.get("reason")), source = str(r.get("policy_file"));
        if (!rule.isEmpty()) out.println("Rule:      " + rule);
        if (!reason.isEmpty()) out.println("Reason:    " + reason);
        if (!source.isEmpty()) out.println("Source:    " + source);
        if (r.get("redirect") instanceof Map<?, ?> red) {
            List<String> parts = new ArrayList<>();
            parts.add(str(red.get("command")));
            if (red.get("args") instanceof List<?> l) l.forEach(x -> parts.add(String.valueOf(x)));
            out.println("Redirect:  " + String.join(" ", parts));
        }
    }

    private static String str(Object o) { return o == null ? "" : o.toString(); }
}

package io.agentsh.core.policy;

import io.agentsh.policy.CommandRedirect;
import io.agentsh.policy.Engine;
import io.agentsh.policy.EnvFilter;
import io.agentsh.policy.FileOperation;
import io.agentsh.policy.TemplateContext;
import io.agentsh.policy.Verdict;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A compiled {@link Engine} as the daemon uses it: the one place that reads Verdicts. */
public final class EnginePolicy implements SessionPolicy {
    private final String name;
    private final Engine engine;

    public EnginePolicy(String name, Engine engine) {
        this.name = name;
        this.engine = engine;
    }

    public Engine engine() {
        return engine;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CommandCheck checkCommand(String command, List<String> args) {
        Verdict v = engine.checkCommand(command, args);
        CommandRedirect r = v.redirect();
        EnvFilter filter = v.env() != null ? v.env() : engine.envFilter();
        return new CommandCheck(v.policyDecision().wireName(), v.effectiveDecision().wireName(), v.rule(),
                v.renderMessage(TemplateContext.forCommand(command, args)),
                r == null ? null : r.command(), r == null ? null : r.args(), v.approvalTimeout(), env(filter));
    }

    private static ChildEnv env(EnvFilter filter) {
        return (base, add) -> {
            try {
                List<String> kv = filter.build(base, add);
                Map<String, String> out = new LinkedHashMap<>(kv.size() * 2);
                for (String e : kv) {
                    int eq = e.indexOf('=');
                    if (eq > 0) out.put(e.substring(0, eq), e.substring(eq + 1));
                }
                return out;
            } catch (io.agentsh.policy.EnvLimitException e) {
                throw new EnvLimitException(e.getMessage());
            }
        };
    }

    /** The policy-test dispatch of policy-config.md §15. */
    @Override
    public PolicyTestResult test(String op, String target) {
        Verdict v;
        if (op.startsWith("file_") || op.equals("read") || op.equals("write") || op.equals("delete")
                || op.equals("create")) {
            v = file(target, op.startsWith("file_") ? op.substring(5) : op);
        } else if (op.startsWith("net_") || op.equals("connect")) {
            String host = target;
            int port = 443;
            int colon = target.lastIndexOf(':');
            if (colon > 0 && target.indexOf(':') == colon) {
                host = target.substring(0, colon);
                try {
                    port = Integer.parseInt(target.substring(colon + 1));
                } catch (NumberFormatException e) {
                    port = 443;
                }
            } else if (target.startsWith("[") && target.contains("]:")) {
                host = target.substring(1, target.indexOf("]:"));
                try {
                    port = Integer.parseInt(target.substring(target.indexOf("]:") + 2));
                } catch (NumberFormatException e) {
                    port = 443;
                }
            }
            v = engine.checkNetwork(host, port, literal(host));
        } else if (op.equals("exec") || op.equals("command")) {
            v = engine.checkCommand(target, List.of());
        } else {
            v = file(target, op);
        }
        CommandRedirect r = v.redirect();
        return new PolicyTestResult(v.effectiveDecision().wireName(), v.policyDecision().wireName(), v.rule(),
                v.message(), r == null ? null : r.command(), r == null ? null : r.args());
    }

    private Verdict file(String path, String op) {
        FileOperation fop = FileOperation.parse(op);
        if (fop == null) {
            // An operation no enforcement layer produces: fail closed and say why.
            return Verdict.simple(io.agentsh.policy.Decision.DENY, io.agentsh.policy.Decision.DENY,
                    "default-deny-files", "unknown file operation \"" + op + "\"");
        }
        return engine.checkFile(path, fop);
    }

    /** The dialled address for an IP literal; names are never resolved here. */
    private static List<InetAddress> literal(String host) {
        if (host.matches("[0-9.]+") || host.contains(":")) {
            try {
                return List.of(InetAddress.getByName(host));
            } catch (UnknownHostException e) {
                return List.of();
            }
        }
        return List.of();
    }

    @Override
    public Duration commandTimeout() {
        return engine.limits().commandTimeout();
    }

    @Override
    public Duration sessionTimeout() {
        return engine.limits().sessionTimeout();
    }

    @Override
    public Duration idleTimeout() {
        return engine.limits().idleTimeout();
    }
}

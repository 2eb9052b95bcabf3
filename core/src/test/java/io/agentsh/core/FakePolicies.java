package io.agentsh.core;

import io.agentsh.core.policy.CommandCheck;
import io.agentsh.core.policy.PolicyHandle;
import io.agentsh.core.policy.PolicyProvider;
import io.agentsh.core.policy.PolicyTestResult;
import io.agentsh.core.policy.SessionPolicy;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test double for the pipeline's mechanics (spawn, capture, timeouts, approvals): decisions come
 * from a fixed map of command basename -> decision, everything else allowed. The real engine is
 * exercised by CompatAcceptanceTest.
 */
final class FakePolicies implements PolicyProvider {
    private final Map<String, String> decisions;
    private final Duration approvalTimeout;

    FakePolicies(Map<String, String> decisions, Duration approvalTimeout) {
        this.decisions = decisions;
        this.approvalTimeout = approvalTimeout;
    }

    private final SessionPolicy policy = new SessionPolicy() {
        @Override
        public String name() {
            return "fake";
        }

        @Override
        public CommandCheck checkCommand(String command, List<String> args) {
            String base = command.substring(command.lastIndexOf('/') + 1);
            String d = decisions.getOrDefault(base, "allow");
            return new CommandCheck(d, d, d.equals("allow") ? "allow-all" : d + "-" + base, "", null, null,
                    approvalTimeout, (b, a) -> {
                        Map<String, String> env = new LinkedHashMap<>(b);
                        env.putAll(a);
                        return env;
                    });
        }

        @Override
        public PolicyTestResult test(String operation, String target) {
            return new PolicyTestResult("allow", "allow", "allow-all", "", null, null);
        }

        @Override
        public Duration commandTimeout() {
            return null;
        }

        @Override
        public Duration sessionTimeout() {
            return null;
        }

        @Override
        public Duration idleTimeout() {
            return null;
        }
    };

    @Override
    public PolicyHandle open(String policyName, Map<String, String> variables) {
        return new PolicyHandle(policy);
    }

    @Override
    public PolicyHandle global() {
        return new PolicyHandle(policy);
    }

    @Override
    public boolean ready() {
        return true;
    }
}

package io.agentsh.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentsh.core.json.Json;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** agentsh debug policy-test (cli-api-shim.md §1.8, policy-config.md §15): asks the server. */
@Command(name = "debug", description = "Debugging helpers", subcommands = {DebugCommand.PolicyTest.class})
public final class DebugCommand {

    @Command(name = "policy-test", description = "Ask the server how its policy decides an operation")
    public static final class PolicyTest extends ClientCommand {
        @Option(names = "--op", description = "file_read, file_write, net_connect, exec, ...") String op;
        @Option(names = "--path", description = "path, host:port or command") String path;
        @Option(names = "--session", description = "use this session's policy") String session;
        @Option(names = "--json") boolean json;

        @Override
        protected int run() throws Exception {
            if (op == null || op.isEmpty()) throw new Exit(1, "--op is required");
            if (path == null || path.isEmpty()) throw new Exit(1, "--path is required");
            Map<String, String> body = new TreeMap<>();
            body.put("operation", op);
            body.put("path", path);
            if (session != null && !session.isEmpty()) body.put("session_id", session);
            JsonNode r;
            try {
                r = Json.MAPPER.readTree(options.client().call("POST", "/api/v1/policy/test", Json.encode(body)).body());
            } catch (java.io.IOException e) {
                throw new Exit(1, "policy test failed: " + e.getMessage());
            }
            if (json) {
                Map<String, Object> sorted = new TreeMap<>();
                r.properties().forEach(e -> sorted.put(e.getKey(), e.getValue()));
                out().print(Json.indent(sorted));
                return 0;
            }
            out().println("Operation: " + op);
            out().println("Path:      " + path);
            out().println();
            out().println("Decision:  " + r.path("decision").asText("").toUpperCase(Locale.ROOT));
            String rule = r.path("rule").asText("");
            String reason = r.path("reason").asText("");
            String source = r.path("policy_file").asText("");
            if (!rule.isEmpty()) out().println("Rule:      " + rule);
            if (!reason.isEmpty()) out().println("Reason:    " + reason);
            if (!source.isEmpty()) out().println("Source:    " + source);
            return 0;
        }
    }
}

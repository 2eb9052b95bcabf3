package io.agentsh.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentsh.core.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** agentsh session create|list|info|destroy (cli-api-shim.md §1.4). */
@Command(name = "session", description = "Manage sessions",
        subcommands = {SessionCommand.Create.class, SessionCommand.ListSessions.class, SessionCommand.Info.class,
                SessionUpdate.class,
                SessionCommand.Destroy.class})
public final class SessionCommand {

    @Command(name = "create", description = "Create a session")
    public static final class Create extends ClientCommand {
        @Option(names = "--workspace", defaultValue = ".", description = "workspace directory (resolved by the server)")
        String workspace;

        @Option(names = "--policy", defaultValue = "default", description = "policy name")
        String policy;

        @Option(names = "--json", description = "print the session as JSON")
        boolean json;

        @Option(names = "--real-paths", description = "run in the real workspace path instead of /workspace")
        Boolean realPaths;

        @Override
        protected int run() throws Exception {
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.put("workspace", workspace);
            body.put("policy", policy);
            body.put("home", System.getenv().getOrDefault("HOME", ""));
            if (realPaths != null) body.put("real_paths", realPaths);
            ApiClient c = options.client();
            JsonNode s = Json.MAPPER.readTree(c.call("POST", "/api/v1/sessions", Json.encode(body)).body());
            if (json) {
                out().print(Json.indent(s));
                return 0;
            }
            String id = s.path("id").asText();
            out().println("Session " + id + " started");
            try {
                JsonNode p = Json.MAPPER.readTree(c.call("GET", "/api/v1/sessions/" + id + "/proxy", null).body());
                String addr = p.path("address").asText("");
                if (!addr.isEmpty()) {
                    out().println("  Proxy: http://" + addr);
                    String dlp = p.path("dlp_mode").asText("disabled");
                    if (!dlp.equals("disabled")) {
                        StringBuilder names = new StringBuilder();
                        for (JsonNode n : p.path("pattern_names")) {
                            if (!names.isEmpty()) names.append(", ");
                            names.append(n.asText());
                        }
                        out().println("  DLP: " + dlp + " (" + names + ")");
                    }
                    out().println();
                    out().println("Export for agent:");
                    out().println("  export ANTHROPIC_BASE_URL=http://" + addr);
                    out().println("  export OPENAI_BASE_URL=http://" + addr);
                }
            } catch (ApiClient.HttpError ignored) {
                // no proxy information: the first line is all there is
            }
            return 0;
        }
    }

    @Command(name = "list", description = "List sessions")
    public static final class ListSessions extends ClientCommand {
        @Option(names = "--json", description = "accepted for symmetry; the list is always JSON")
        boolean json;

        @Override
        protected int run() throws Exception {
            return printJsonReply(options.client(), "GET", "/api/v1/sessions", null);
        }
    }

    @Command(name = "info", description = "Show a session")
    public static final class Info extends ClientCommand {
        @Parameters(index = "0", paramLabel = "SESSION_ID")
        String id;

        @Override
        protected int run() throws Exception {
            return printJsonReply(options.client(), "GET", "/api/v1/sessions/" + id, null);
        }
    }

    @Command(name = "destroy", description = "Destroy a session")
    public static final class Destroy extends ClientCommand {
        @Parameters(index = "0", paramLabel = "SESSION_ID")
        String id;

        @Override
        protected int run() throws Exception {
            options.client().call("DELETE", "/api/v1/sessions/" + id, null);
            out().println("ok");
            return 0;
        }
    }
}

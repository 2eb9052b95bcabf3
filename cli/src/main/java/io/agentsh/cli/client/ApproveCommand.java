package io.agentsh.cli.client;

import io.agentsh.core.approval.OperatorToken;
import io.agentsh.core.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * agentsh approve list|resolve (cli-api-shim.md §1.7). Sends the local operator token (read from
 * the daemon's data dir) so an operator can approve without an API key; an agent cannot read it.
 */
@Command(name = "approve", description = "List and resolve pending approvals",
        subcommands = {ApproveCommand.ListPending.class, ApproveCommand.Resolve.class})
public final class ApproveCommand {

    /** The operator token file: --operator-token-file, $AGENTSH_OPERATOR_TOKEN_FILE, <data dir>/operator.token. */
    static ApiClient withOperatorToken(ApiClient c, String explicit) {
        String file = explicit != null ? explicit : System.getenv("AGENTSH_OPERATOR_TOKEN_FILE");
        if (file == null || file.isEmpty()) {
            String data = System.getenv().getOrDefault("AGENTSH_DATA_DIR", "/var/lib/agentsh");
            file = Path.of(data, "operator.token").toString();
        }
        try {
            String token = Files.readString(Path.of(file)).trim();
            if (!token.isEmpty()) c.header(OperatorToken.HEADER, token);
        } catch (IOException ignored) {
            // not an operator on this machine: an approver API key must do
        }
        return c;
    }

    @Command(name = "list", description = "List pending approvals")
    public static final class ListPending extends ClientCommand {
        @Option(names = "--operator-token-file") String tokenFile;

        @Override
        protected int run() throws Exception {
            return printJsonReply(withOperatorToken(options.client(), tokenFile), "GET", "/api/v1/approvals", null);
        }
    }

    @Command(name = "resolve", description = "Approve or deny a pending request")
    public static final class Resolve extends ClientCommand {
        @Parameters(index = "0", paramLabel = "ID") String id;
        @Option(names = "--allow") boolean allow;
        @Option(names = "--deny") boolean deny;
        @Option(names = "--reason", defaultValue = "") String reason;
        @Option(names = "--operator-token-file") String tokenFile;

        @Override
        protected int run() throws Exception {
            if (allow == deny) throw new Exit(1, "choose exactly one of --allow or --deny");
            Map<String, String> body = new LinkedHashMap<>();
            body.put("decision", allow ? "approve" : "deny");
            body.put("reason", reason);
            ApiClient c = withOperatorToken(options.client(), tokenFile);
            c.call("POST", "/api/v1/approvals/" + id, Json.encode(body));
            out().println("ok");
            return 0;
        }
    }
}

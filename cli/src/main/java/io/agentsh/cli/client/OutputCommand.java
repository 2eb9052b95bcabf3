package io.agentsh.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentsh.core.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** agentsh output SID CMD_ID [--stream stdout|stderr] [--offset N] [--limit N]. */
@Command(name = "output", description = "Page through a command's captured output")
public final class OutputCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "SESSION_ID") String session;
    @Parameters(index = "1", paramLabel = "CMD_ID") String command;
    @Option(names = "--stream", defaultValue = "stdout") String stream;
    @Option(names = "--offset", defaultValue = "0") long offset;
    @Option(names = "--limit", defaultValue = "65536") long limit;

    @Override
    protected int run() throws Exception {
        JsonNode r = Json.MAPPER.readTree(options.client().call("GET", "/api/v1/sessions/" + session + "/output/"
                + command + "?stream=" + stream + "&offset=" + offset + "&limit=" + limit, null).body());
        out().print(r.path("data").asText(""));
        out().flush();
        if (r.path("has_more").asBoolean(false)) {
            err().println("\n-- more -- offset=" + (offset + r.path("data").asText("").getBytes(
                    java.nio.charset.StandardCharsets.UTF_8).length) + " total=" + r.path("total_bytes").asLong());
        }
        return 0;
    }
}

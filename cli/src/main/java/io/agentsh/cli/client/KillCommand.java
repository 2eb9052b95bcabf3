package io.agentsh.cli.client;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** agentsh kill SID CMD_ID. */
@Command(name = "kill", description = "Stop a running command")
public final class KillCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "SESSION_ID") String session;
    @Parameters(index = "1", paramLabel = "CMD_ID") String command;

    @Override
    protected int run() throws Exception {
        options.client().call("POST", "/api/v1/sessions/" + session + "/kill/" + command, "{}");
        out().println("ok");
        return 0;
    }
}

package io.agentsh.cli.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentsh.core.json.Json;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** agentsh session update SID [--cwd D] [--set-env K=V]... [--unset-env K]... */
@Command(name = "update", description = "Change a session's cwd or environment")
public final class SessionUpdate extends ClientCommand {
    @Parameters(index = "0", paramLabel = "SESSION_ID") String id;
    @Option(names = "--cwd") String cwd;
    @Option(names = "--set-env", description = "KEY=VALUE (repeatable)") List<String> setEnv = new ArrayList<>();
    @Option(names = "--unset-env", description = "KEY (repeatable)") List<String> unsetEnv = new ArrayList<>();

    @Override
    protected int run() throws Exception {
        ObjectNode body = Json.MAPPER.createObjectNode();
        if (cwd != null) body.put("cwd", cwd);
        ObjectNode env = Json.MAPPER.createObjectNode();
        for (String kv : setEnv) {
            int eq = kv.indexOf('=');
            if (eq <= 0) throw new Exit(1, "invalid --set-env \"" + kv + "\" (expected KEY=VALUE)");
            env.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        if (!env.isEmpty()) body.set("env", env);
        if (!unsetEnv.isEmpty()) unsetEnv.forEach(body.putArray("unset")::add);
        return printJsonReply(options.client(), "PATCH", "/api/v1/sessions/" + id, Json.encode(body));
    }
}

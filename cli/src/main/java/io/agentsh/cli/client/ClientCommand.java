package io.agentsh.cli.client;

import io.agentsh.core.json.Json;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/**
 * Base of the client verbs: errors become a message on stderr and exit 1 (exit codes other than 1
 * come from {@link Exit}), never a stack trace.
 */
public abstract class ClientCommand implements Callable<Integer> {
    @Mixin
    protected ClientOptions options;

    /** Standard output, looked up per call so tests (and the JNI front end) can redirect it. */
    protected static PrintStream out() {
        return System.out;
    }

    protected static PrintStream err() {
        return System.err;
    }

    /** Ends the command with an exit code and an optional message for stderr. */
    public static final class Exit extends RuntimeException {
        final int code;

        public Exit(int code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }

    protected abstract int run() throws Exception;

    /** Sends one request and prints the server's JSON answer indented (the JSON verbs' output); exit 0. */
    protected static int printJsonReply(ApiClient client, String method, String path, String body) throws Exception {
        out().print(Json.indent(Json.MAPPER.readTree(client.call(method, path, body).body())));
        return 0;
    }

    @Override
    public final Integer call() {
        try {
            return run();
        } catch (Exit e) {
            if (e.getMessage() != null && !e.getMessage().isEmpty()) err().println(e.getMessage());
            return e.code;
        } catch (ClientOptions.UsageError | IllegalArgumentException e) {
            err().println(e.getMessage());
            return 1;
        } catch (java.io.IOException e) {
            err().println(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            return 1;
        } catch (Exception e) {
            err().println(e);
            return 1;
        }
    }
}

package io.agentsh.cli.client;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/**
 * Base of the client verbs: errors become a message on stderr and exit 1 (exit codes other than 1
 * come from {@link Exit}), never a stack trace.
 */
public abstract class ClientCommand implements Callable<Integer> {
    @Mixin
    protected ClientOptions options;

    protected static final PrintStream OUT = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out),
            true, StandardCharsets.UTF_8);
    protected static final PrintStream ERR = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err),
            true, StandardCharsets.UTF_8);

    /** Ends the command with an exit code and an optional message for stderr. */
    public static final class Exit extends RuntimeException {
        final int code;

        public Exit(int code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }

    protected abstract int run() throws Exception;

    @Override
    public final Integer call() {
        try {
            return run();
        } catch (Exit e) {
            if (e.getMessage() != null && !e.getMessage().isEmpty()) ERR.println(e.getMessage());
            return e.code;
        } catch (ClientOptions.UsageError | IllegalArgumentException e) {
            ERR.println(e.getMessage());
            return 1;
        } catch (java.io.IOException e) {
            ERR.println(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            return 1;
        } catch (Exception e) {
            ERR.println(e);
            return 1;
        }
    }
}

package io.agentsh.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * What the command line could not parse (an unknown verb or option, a missing or malformed
 * option value): the message and picocli's "did you mean" suggestions on stderr, no usage text,
 * exit 1, as the reference's CLI does (cobra with SilenceUsage; cli-api-shim.md §0). Verbs keep
 * their own codes for errors they find themselves.
 */
final class UsageErrorHandler implements CommandLine.IParameterExceptionHandler {
    static final int EXIT_CODE = 1;

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        PrintWriter err = ex.getCommandLine().getErr();
        err.println(ex.getMessage());
        UnmatchedArgumentException.printSuggestions(ex, err);
        err.flush();
        return EXIT_CODE;
    }
}

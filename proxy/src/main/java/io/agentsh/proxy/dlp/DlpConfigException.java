package io.agentsh.proxy.dlp;

/** A DLP setting that cannot be compiled; the message names the pattern and the problem. */
public final class DlpConfigException extends Exception {
    public DlpConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.agentsh.proxy.dlp;

/** Process output after DLP: the bytes to return, what was found, and whether it was left alone as binary. */
public record OutputRedaction(byte[] bytes, Redaction redaction, boolean binary) {
}

package io.agentsh.proxy.net;

/**
 * Whether transparent mode works on this machine, for detect/ready. When it does not, sessions
 * use the explicit proxy and {@code detail} says why.
 */
public record TransparentStatus(boolean requested, boolean available, String detail) {
    public String mode() {
        return requested && available ? "transparent" : "explicit";
    }
}

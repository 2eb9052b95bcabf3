package io.agentsh.policy;

import java.util.List;

/**
 * Values for a rule message's placeholders: {@code {{.Path}}}, {@code {{.Args}}}, {@code {{.Command}}},
 * {@code {{.RemoteAddr}}}, {@code {{.RemotePort}}}, {@code {{.Domain}}}, {@code {{.Operation}}}.
 * A null field leaves its placeholder as written.
 */
public record TemplateContext(String path, String args, String command, String remoteAddr,
                              String remotePort, String domain, String operation) {

    public static TemplateContext forFile(String path, FileOperation op) {
        return new TemplateContext(path, null, null, null, null, null, op == null ? null : op.wireName());
    }

    public static TemplateContext forCommand(String command, List<String> args) {
        return new TemplateContext(null, args == null ? "" : String.join(" ", args), command, null, null, null, "exec");
    }

    /** {@code remoteAddr} is the host as asked for (name or address); {@code domain} the host name if there is one. */
    public static TemplateContext forNetwork(String host, String remoteAddr, int port) {
        return new TemplateContext(null, null, null, remoteAddr == null ? host : remoteAddr,
                Integer.toString(port), host, "connect");
    }

    public static TemplateContext forUnixSocket(String path, UnixSocketOperation op) {
        return new TemplateContext(path, null, null, null, null, null, op == null ? null : op.wireName());
    }

    /** Renders {@code template}; unknown placeholders are left as they are. */
    public String render(String template) {
        return io.agentsh.policy.internal.MessageTemplate.render(template, this);
    }
}

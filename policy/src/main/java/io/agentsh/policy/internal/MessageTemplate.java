package io.agentsh.policy.internal;

import io.agentsh.policy.TemplateContext;

/**
 * Renders Go-template-style placeholders in rule messages: {@code {{.Path}}} and friends, with
 * optional blanks inside the braces. Unknown placeholders, and known ones without a value, are
 * left exactly as written. Linear in the message length.
 */
public final class MessageTemplate {
    private MessageTemplate() {}

    public static String render(String template, TemplateContext ctx) {
        if (template == null || template.indexOf("{{") < 0) return template;
        StringBuilder out = new StringBuilder(template.length() + 32);
        int i = 0;
        while (i < template.length()) {
            int open = template.indexOf("{{", i);
            if (open < 0) break;
            int close = template.indexOf("}}", open + 2);
            if (close < 0) break;
            out.append(template, i, open);
            String key = template.substring(open + 2, close).trim();
            String value = key.startsWith(".") ? lookup(key.substring(1), ctx) : null;
            if (value != null) out.append(value); else out.append(template, open, close + 2);
            i = close + 2;
        }
        return out.append(template, i, template.length()).toString();
    }

    private static String lookup(String key, TemplateContext c) {
        return switch (key) {
            case "Path" -> c.path();
            case "Args" -> c.args();
            case "Command" -> c.command();
            case "RemoteAddr" -> c.remoteAddr();
            case "RemotePort" -> c.remotePort();
            case "Domain" -> c.domain();
            case "Operation" -> c.operation();
            default -> null;
        };
    }
}

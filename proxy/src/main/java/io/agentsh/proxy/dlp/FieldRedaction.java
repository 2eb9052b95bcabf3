package io.agentsh.proxy.dlp;

/**
 * One line of the DLP summary the reference logs: {@code field} is the JSON path of the string
 * ({@code messages[0].content}; "" for a non-JSON body), {@code type} the detector's type name,
 * {@code count} the number of distinct secrets.
 */
public record FieldRedaction(String field, String type, int count) {
}

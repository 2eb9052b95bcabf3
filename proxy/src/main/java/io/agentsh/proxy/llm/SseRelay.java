package io.agentsh.proxy.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentsh.proxy.dlp.BodyRedaction;
import io.agentsh.proxy.dlp.FieldRedaction;
import io.agentsh.proxy.dlp.Redactor;
import io.agentsh.proxy.dlp.StreamingRedactor;
import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Relays a server-sent-event stream event by event, redacting as it goes. Text that the model
 * streams in deltas (Anthropic {@code content_block_delta}, OpenAI chat {@code choices[].delta.content},
 * OpenAI responses {@code response.output_text.delta}) runs through one {@link StreamingRedactor}
 * per content block, so a key the model spells out over several deltas is still caught; what a
 * redactor holds back is emitted as an extra delta when the block ends. Every other event's
 * data is redacted on its own (JSON-aware). Nothing but the current event is buffered.
 */
final class SseRelay {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Redactor redactor;
    private final UsageTracker usage;
    private final int maxEventBytes;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final List<String> eventLines = new ArrayList<>();
    private final Map<String, StreamingRedactor> streams = new LinkedHashMap<>();
    private final Map<String, Integer> counts = new LinkedHashMap<>();
    private int eventBytes;
    private String blockReason;

    SseRelay(Redactor redactor, UsageTracker usage, int maxEventBytes) {
        this.redactor = redactor;
        this.usage = usage;
        this.maxEventBytes = maxEventBytes;
    }

    /** Consumes bytes from upstream; returns the SSE text to pass on now. */
    String onBytes(ByteBuf buf) {
        StringBuilder out = new StringBuilder();
        while (buf.isReadable() && blockReason == null) {
            byte b = buf.readByte();
            if (b != '\n') {
                line.write(b);
                if (++eventBytes > maxEventBytes) {
                    blockReason = "server-sent event larger than " + maxEventBytes + " bytes";
                    out.append(errorEvent(blockReason));
                }
                continue;
            }
            String l = line.toString(StandardCharsets.UTF_8);
            line.reset();
            if (l.endsWith("\r")) {
                l = l.substring(0, l.length() - 1);
            }
            if (l.isEmpty()) {
                if (!eventLines.isEmpty()) {
                    out.append(processEvent());
                    eventLines.clear();
                }
                eventBytes = 0;
            } else {
                eventLines.add(l);
            }
        }
        return out.toString();
    }

    /** End of the upstream stream: flush any partial event and every held-back delta. */
    String finish() {
        StringBuilder out = new StringBuilder();
        if (blockReason == null && line.size() > 0) {
            eventLines.add(line.toString(StandardCharsets.UTF_8));
            line.reset();
        }
        if (blockReason == null && !eventLines.isEmpty()) {
            out.append(processEvent());
            eventLines.clear();
        }
        if (blockReason == null) {
            for (String key : List.copyOf(streams.keySet())) {
                out.append(flushStream(key));
            }
        }
        return out.toString();
    }

    String blockReason() {
        return blockReason;
    }

    List<FieldRedaction> redactions() {
        List<FieldRedaction> l = new ArrayList<>();
        counts.forEach((type, n) -> l.add(new FieldRedaction("stream", type, n)));
        return l;
    }

    private void count(Map<String, Integer> c) {
        c.forEach((k, v) -> counts.merge(k, v, Integer::sum));
    }

    private String processEvent() {
        String name = null;
        StringBuilder data = null;
        for (String l : eventLines) {
            if (l.startsWith("event:")) {
                name = l.substring(6).strip();
            } else if (l.startsWith("data:")) {
                String d = l.substring(5);
                d = d.startsWith(" ") ? d.substring(1) : d;
                data = data == null ? new StringBuilder(d) : data.append('\n').append(d);
            }
        }
        if (data == null) {
            return verbatim();
        }
        String d = data.toString();
        if (d.equals("[DONE]")) {
            StringBuilder sb = new StringBuilder();
            for (String key : List.copyOf(streams.keySet())) {
                sb.append(flushStream(key));
            }
            return sb.append(verbatim()).toString();
        }
        JsonNode node;
        try {
            node = JSON.readTree(d);
        } catch (IOException notJson) {
            node = null;
        }
        if (node == null || !node.isObject()) {
            return generic(name, d);
        }
        usage.onEvent(node);
        ObjectNode ev = (ObjectNode) node;
        String type = ev.path("type").asText("");
        return switch (type) {
            case "content_block_delta" -> anthropicDelta(name, ev);
            case "content_block_stop" -> flushStream("a:" + ev.path("index").asInt()) + generic(name, d);
            case "response.output_text.delta" -> responsesDelta(name, ev);
            case "response.output_text.done" ->
                    flushStream("r:" + ev.path("item_id").asText() + ":" + ev.path("content_index").asInt())
                            + generic(name, d);
            default -> ev.has("choices") && ev.get("choices").isArray() ? openAiChunk(name, ev) : generic(name, d);
        };
    }

    private String verbatim() {
        StringBuilder sb = new StringBuilder();
        for (String l : eventLines) {
            sb.append(l).append('\n');
        }
        return sb.append('\n').toString();
    }

    private static String event(String name, JsonNode data) {
        StringBuilder sb = new StringBuilder();
        if (name != null) {
            sb.append("event: ").append(name).append('\n');
        }
        return sb.append("data: ").append(data.toString()).append("\n\n").toString();
    }

    private String errorEvent(String message) {
        ObjectNode err = JSON.createObjectNode();
        err.put("type", "error");
        err.putObject("error").put("type", "dlp_blocked").put("message", message);
        return event("error", err);
    }

    private String generic(String name, String data) {
        BodyRedaction r = redactor.redactBody(data.getBytes(StandardCharsets.UTF_8));
        r.redactions().forEach(f -> counts.merge(f.type(), f.count(), Integer::sum));
        if (r.blocked()) {
            blockReason = r.blockReason();
            return errorEvent(blockReason);
        }
        if (!r.changed()) {
            return verbatim();
        }
        StringBuilder sb = new StringBuilder();
        if (name != null) {
            sb.append("event: ").append(name).append('\n');
        }
        for (String l : new String(r.body(), StandardCharsets.UTF_8).split("\n", -1)) {
            sb.append("data: ").append(l).append('\n');
        }
        return sb.append('\n').toString();
    }

    private StreamingRedactor stream(String key) {
        return streams.computeIfAbsent(key, k -> redactor.newStream());
    }

    private String feed(String key, String text) {
        StreamingRedactor s = stream(key);
        String out = s.feed(text);
        if (s.blocked()) {
            count(s.counts());
            blockReason = "blocked by DLP: " + String.join(", ", s.counts().keySet());
            return null;
        }
        return out;
    }

    /** Anthropic: one redactor per content block index and delta field. */
    private final Map<String, String[]> anthropicShape = new LinkedHashMap<>();

    private String anthropicDelta(String name, ObjectNode ev) {
        JsonNode delta = ev.get("delta");
        if (delta == null || !delta.isObject()) {
            return generic(name, ev.toString());
        }
        String field = delta.has("text") ? "text" : delta.has("partial_json") ? "partial_json"
                : delta.has("thinking") ? "thinking" : null;
        if (field == null) {
            return generic(name, ev.toString());
        }
        String key = "a:" + ev.path("index").asInt();
        anthropicShape.put(key, new String[] {name, delta.path("type").asText("text_delta"), field});
        String out = feed(key, delta.get(field).asText());
        if (out == null) {
            return errorEvent(blockReason);
        }
        if (out.isEmpty()) {
            return "";
        }
        ((ObjectNode) delta).put(field, out);
        return event(name, ev);
    }

    /** OpenAI responses API: one redactor per output item and content part. */
    private final Map<String, ObjectNode> responsesShape = new LinkedHashMap<>();

    private String responsesDelta(String name, ObjectNode ev) {
        String key = "r:" + ev.path("item_id").asText() + ":" + ev.path("content_index").asInt();
        ObjectNode template = ev.deepCopy();
        template.remove("delta");
        template.remove("sequence_number");
        responsesShape.put(key, template);
        String out = feed(key, ev.path("delta").asText());
        if (out == null) {
            return errorEvent(blockReason);
        }
        if (out.isEmpty()) {
            return "";
        }
        ev.put("delta", out);
        return event(name, ev);
    }

    /** OpenAI chat completions: one redactor per choice; flushed into the chunk that finishes it. */
    private String openAiChunk(String name, ObjectNode ev) {
        for (JsonNode c : (ArrayNode) ev.get("choices")) {
            if (!c.isObject()) {
                continue;
            }
            String key = "o:" + c.path("index").asInt();
            JsonNode delta = c.get("delta");
            StringBuilder text = new StringBuilder();
            if (delta != null && delta.isObject() && delta.get("content") != null && delta.get("content").isTextual()) {
                String out = feed(key, delta.get("content").asText());
                if (out == null) {
                    return errorEvent(blockReason);
                }
                text.append(out);
            }
            boolean finished = c.hasNonNull("finish_reason");
            if (finished && streams.containsKey(key)) {
                StreamingRedactor s = streams.remove(key);
                text.append(s.finish());
                count(s.counts());
            }
            if (delta != null && delta.isObject() && (delta.has("content") || text.length() > 0)) {
                ((ObjectNode) delta).put("content", text.toString());
            } else if (text.length() > 0) {
                ((ObjectNode) c).putObject("delta").put("content", text.toString());
            }
        }
        return event(name, ev);
    }

    /** Emits what a block's redactor still holds, as one more delta in that block's dialect. */
    private String flushStream(String key) {
        StreamingRedactor s = streams.remove(key);
        if (s == null) {
            return "";
        }
        String rest = s.finish();
        count(s.counts());
        if (rest.isEmpty()) {
            return "";
        }
        if (key.startsWith("a:")) {
            String[] shape = anthropicShape.getOrDefault(key, new String[] {"content_block_delta", "text_delta", "text"});
            ObjectNode ev = JSON.createObjectNode();
            ev.put("type", "content_block_delta");
            ev.put("index", Integer.parseInt(key.substring(2)));
            ev.putObject("delta").put("type", shape[1]).put(shape[2], rest);
            return event(shape[0], ev);
        }
        if (key.startsWith("r:")) {
            ObjectNode ev = responsesShape.getOrDefault(key, JSON.createObjectNode()).deepCopy();
            ev.put("type", "response.output_text.delta");
            ev.put("delta", rest);
            return event("response.output_text.delta", ev);
        }
        ObjectNode chunk = JSON.createObjectNode();
        chunk.put("object", "chat.completion.chunk");
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", Integer.parseInt(key.substring(2)));
        choice.putObject("delta").put("content", rest);
        choice.putNull("finish_reason");
        return event(null, chunk);
    }
}

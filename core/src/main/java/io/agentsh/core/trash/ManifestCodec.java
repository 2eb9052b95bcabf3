package io.agentsh.core.trash;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;

/** JSON for manifests: indented like the reference's, times as RFC 3339 (Go's time.Time format). */
public final class ManifestCodec {
    private static final ObjectMapper MAPPER = build();
    // Readers and writers bound once to their root type (immutable, thread-safe): the per-call root
    // serializer/deserializer lookup is skipped. Same configuration as MAPPER, so the same bytes.
    private static final ObjectWriter ENTRY_WRITER = MAPPER.writerFor(TrashEntry.class);
    private static final ObjectReader ENTRY_READER = MAPPER.readerFor(TrashEntry.class);
    private static final ObjectWriter JOURNAL_WRITER = MAPPER.writerFor(JournalRecord.class);
    private static final ObjectReader JOURNAL_READER = MAPPER.readerFor(JournalRecord.class);

    private ManifestCodec() {}

    public static ObjectMapper mapper() { return MAPPER; }

    public static byte[] encode(TrashEntry e) throws IOException { return ENTRY_WRITER.writeValueAsBytes(e); }

    public static TrashEntry decode(byte[] json) throws IOException { return ENTRY_READER.readValue(json); }

    static byte[] encodeJournal(JournalRecord r) throws IOException { return JOURNAL_WRITER.writeValueAsBytes(r); }

    static JournalRecord decodeJournal(byte[] json) throws IOException { return JOURNAL_READER.readValue(json); }

    private static ObjectMapper build() {
        SimpleModule times = new SimpleModule("rfc3339");
        times.addSerializer(Instant.class, new JsonSerializer<>() {
            @Override public void serialize(Instant v, JsonGenerator g, SerializerProvider p) throws IOException {
                g.writeString(v.toString());
            }
        });
        times.addDeserializer(Instant.class, new JsonDeserializer<>() {
            @Override public Instant deserialize(JsonParser p, DeserializationContext c) throws IOException {
                String s = p.getValueAsString();
                if (s == null || s.isEmpty()) return null;
                try {
                    return OffsetDateTime.parse(s).toInstant();   // Go writes offsets (+02:00) as well as Z
                } catch (java.time.format.DateTimeParseException e) {
                    throw new IOException("bad time " + s + " in manifest", e);
                }
            }
        });
        return new ObjectMapper().registerModule(times).enable(SerializationFeature.INDENT_OUTPUT);
    }
}

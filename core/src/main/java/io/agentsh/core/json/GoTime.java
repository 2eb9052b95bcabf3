package io.agentsh.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Go's RFC3339Nano in UTC: fractional seconds with trailing zeros removed ("...05.1234Z"). */
public final class GoTime {
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    private GoTime() {}

    public static String format(Instant t) {
        StringBuilder sb = new StringBuilder(32);
        sb.append(SECONDS.format(LocalDateTime.ofInstant(t, ZoneOffset.UTC)));
        int nanos = t.getNano();
        if (nanos != 0) {
            String frac = String.format("%09d", nanos);
            int end = frac.length();
            while (end > 0 && frac.charAt(end - 1) == '0') end--;
            sb.append('.').append(frac, 0, end);
        }
        return sb.append('Z').toString();
    }

    public static Instant parse(String s) throws DateTimeParseException {
        return java.time.OffsetDateTime.parse(s).toInstant();
    }

    public static long unixNanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    public static Instant fromUnixNanos(long n) {
        return Instant.ofEpochSecond(Math.floorDiv(n, 1_000_000_000L), Math.floorMod(n, 1_000_000_000L));
    }

    /** Jackson deserializer for the same format (any RFC3339 offset accepted). */
    public static final class Deserializer extends com.fasterxml.jackson.databind.JsonDeserializer<Instant> {
        @Override
        public Instant deserialize(com.fasterxml.jackson.core.JsonParser p,
                                   com.fasterxml.jackson.databind.DeserializationContext ctxt) throws IOException {
            try {
                return parse(p.getValueAsString());
            } catch (DateTimeParseException e) {
                throw com.fasterxml.jackson.databind.exc.InvalidFormatException.from(p, "bad timestamp",
                        p.getValueAsString(), Instant.class);
            }
        }
    }

    /** Jackson serializer for Instant fields that must look like Go's time.Time. */
    public static final class Serializer extends JsonSerializer<Instant> {
        @Override
        public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeString(format(value));
        }
    }
}

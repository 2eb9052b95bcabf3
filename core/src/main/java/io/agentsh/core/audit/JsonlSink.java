package io.agentsh.core.audit;

import io.agentsh.core.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/** audit.output: one compact JSON event per line, appended. */
public final class JsonlSink implements EventSink {
    private final OutputStream out;

    public JsonlSink(Path file) throws IOException {
        if (file.getParent() != null) Files.createDirectories(file.getParent());
        out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Override
    public void write(List<Event> batch) throws IOException {
        for (Event e : batch) out.write(Json.encodeLine(e));
        out.flush();
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException ignored) {
            // shutting down
        }
    }
}

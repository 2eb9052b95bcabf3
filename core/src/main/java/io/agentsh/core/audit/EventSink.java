package io.agentsh.core.audit;

import java.util.List;

/** A durable destination for audit events, written in batches by the audit writer thread. */
public interface EventSink extends AutoCloseable {
    void write(List<Event> batch) throws Exception;

    @Override
    void close();
}

package io.agentsh.core.audit;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditLogTest {
    /** Records every batch it is given. */
    static final class Recording implements EventSink {
        final List<List<Event>> batches = Collections.synchronizedList(new ArrayList<>());

        @Override public void write(List<Event> batch) { batches.add(List.copyOf(batch)); }

        @Override public void close() { }

        List<Event> all() {
            synchronized (batches) {
                return batches.stream().flatMap(List::stream).toList();
            }
        }
    }

    @Test
    void burstsArriveWholeInOrderInBatchesNoLargerThanConfigured() throws Exception {
        Recording sink = new Recording();
        AuditLog log = new AuditLog(List.of(sink), 4096, 8, 50, 1000);
        List<Event> sent = new ArrayList<>();
        for (int burst = 0; burst < 20; burst++) {
            for (int i = 0; i < 5; i++) {
                Event e = Event.builder("t" + burst + "." + i, "s").build();
                sent.add(e);
                assertTrue(log.emit(e));
            }
            Thread.sleep(burst % 3); // bursts of a command's events, with gaps
        }
        for (int i = 0; i < 100; i++) { // and a flood bigger than a batch
            Event e = Event.builder("flood" + i, "s").build();
            sent.add(e);
            assertTrue(log.emit(e));
        }
        log.flush(5000);
        assertEquals(sent, sink.all(), "every event, once, in order, by the time flush returns");
        assertTrue(sink.batches.stream().allMatch(b -> !b.isEmpty() && b.size() <= 8), "batch sizes " + sink.batches.stream().map(List::size).toList());
        assertEquals(0, log.droppedCount());
        log.close();
    }

    @Test
    void closeWritesWhatIsStillQueued() {
        Recording sink = new Recording();
        AuditLog log = new AuditLog(List.of(sink), 4096, 64, 50, 1000);
        for (int i = 0; i < 300; i++) assertTrue(log.emit(Event.builder("e" + i, "s").build()));
        log.close();
        assertEquals(300, sink.all().size());
        assertEquals(0, log.droppedCount());
    }
}

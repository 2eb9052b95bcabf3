package io.agentsh.proxy.net;

import java.util.concurrent.atomic.LongAdder;

/** The mutable side of {@link NetMetrics}: contention-free adders bumped from event loops. */
public final class NetCounters implements NetMetrics {
    final LongAdder allowed = new LongAdder();
    final LongAdder denied = new LongAdder();
    final LongAdder upstreamFailures = new LongAdder();
    final LongAdder bytes = new LongAdder();
    public final LongAdder dnsQueries = new LongAdder();
    public final LongAdder dnsRefused = new LongAdder();

    public void allowed() { allowed.increment(); }
    public void denied() { denied.increment(); }
    public void upstreamFailed() { upstreamFailures.increment(); }
    public void relayed(long n) { bytes.add(n); }

    @Override public long connectionsAllowed() { return allowed.sum(); }
    @Override public long connectionsDenied() { return denied.sum(); }
    @Override public long upstreamFailures() { return upstreamFailures.sum(); }
    @Override public long bytesRelayed() { return bytes.sum(); }
    @Override public long dnsQueries() { return dnsQueries.sum(); }
    @Override public long dnsRefused() { return dnsRefused.sum(); }
}

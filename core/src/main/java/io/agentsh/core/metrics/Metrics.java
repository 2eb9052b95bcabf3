package io.agentsh.core.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The daemon's Prometheus metrics. Counters are lock-free (LongAdder per label set); the text
 * exposition is built on demand for GET /metrics.
 */
public final class Metrics {
    private static final double[] LATENCY_BUCKETS_SECONDS =
            {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

    private final Map<String, LongAdder> execsByOutcome = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> decisions = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> eventsByType = new ConcurrentHashMap<>();
    private final LongAdder eventsTotal = new LongAdder();
    private final Histogram execLatency = new Histogram(LATENCY_BUCKETS_SECONDS);
    private final Histogram decisionLatency = new Histogram(LATENCY_BUCKETS_SECONDS);
    private volatile LongSupplier activeSessions = () -> 0;
    private volatile LongSupplier droppedEvents = () -> 0;
    private volatile LongSupplier pendingApprovals = () -> 0;

    public void bindActiveSessions(LongSupplier s) { activeSessions = s; }

    public void bindDroppedEvents(LongSupplier s) { droppedEvents = s; }

    public void bindPendingApprovals(LongSupplier s) { pendingApprovals = s; }

    /** outcome: ok, failed, denied, timeout, not_found, error. */
    public void execFinished(String outcome, long nanos) {
        execsByOutcome.computeIfAbsent(outcome, k -> new LongAdder()).increment();
        execLatency.observe(nanos);
    }

    /** type: command, file, network, ...; decision: the effective decision's wire name. */
    public void decision(String type, String decision, long nanos) {
        decisions.computeIfAbsent(type + '\u0000' + decision, k -> new LongAdder()).increment();
        decisionLatency.observe(nanos);
    }

    public void event(String type) {
        eventsTotal.increment();
        eventsByType.computeIfAbsent(type, k -> new LongAdder()).increment();
    }

    private final java.util.List<java.util.function.Supplier<String>> extra =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    /** A layer's own Prometheus text (complete HELP/TYPE blocks), appended to every render. */
    public void addSource(java.util.function.Supplier<String> prometheusText) { extra.add(prometheusText); }

    public String render() {
        StringBuilder sb = new StringBuilder(2048);
        for (java.util.function.Supplier<String> x : extra) sb.append(x.get());
        gauge(sb, "agentsh_up", "Whether the agentsh server is up.", 1);
        counter(sb, "agentsh_events_total", "Audit events emitted.", eventsTotal.sum());
        if (!eventsByType.isEmpty()) {
            header(sb, "agentsh_events_by_type_total", "Audit events emitted, by type.", "counter");
            new TreeMap<>(eventsByType).forEach((t, v) ->
                    sb.append("agentsh_events_by_type_total{type=\"").append(esc(t)).append("\"} ")
                            .append(v.sum()).append('\n'));
        }
        counter(sb, "agentsh_audit_dropped_events_total",
                "Audit events that could not be stored (queue full or sink failure).", droppedEvents.getAsLong());
        gauge(sb, "agentsh_sessions_active", "Sessions currently open.", activeSessions.getAsLong());
        gauge(sb, "agentsh_approvals_pending", "Approval requests waiting for an approver.",
                pendingApprovals.getAsLong());
        header(sb, "agentsh_execs_total", "Commands handled by the exec API, by outcome.", "counter");
        new TreeMap<>(execsByOutcome).forEach((o, v) ->
                sb.append("agentsh_execs_total{outcome=\"").append(esc(o)).append("\"} ").append(v.sum()).append('\n'));
        header(sb, "agentsh_policy_decisions_total", "Policy decisions, by operation type and effective decision.",
                "counter");
        new TreeMap<>(decisions).forEach((k, v) -> {
            int i = k.indexOf('\u0000');
            sb.append("agentsh_policy_decisions_total{type=\"").append(esc(k.substring(0, i)))
                    .append("\",decision=\"").append(esc(k.substring(i + 1))).append("\"} ").append(v.sum()).append('\n');
        });
        execLatency.render(sb, "agentsh_exec_duration_seconds", "Exec API request latency (pre-check to result).");
        decisionLatency.render(sb, "agentsh_policy_decision_duration_seconds", "Time spent in policy decisions.");
        return sb.toString();
    }

    private static void header(StringBuilder sb, String name, String help, String type) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void counter(StringBuilder sb, String name, String help, long v) {
        header(sb, name, help, "counter");
        sb.append(name).append(' ').append(v).append('\n');
    }

    private static void gauge(StringBuilder sb, String name, String help, long v) {
        header(sb, name, help, "gauge");
        sb.append(name).append(' ').append(v).append('\n');
    }

    private static String esc(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /** A fixed-bucket histogram of durations, exported in seconds. */
    static final class Histogram {
        private final double[] bounds;
        private final LongAdder[] buckets;
        private final LongAdder count = new LongAdder();
        private final AtomicLong sumNanos = new AtomicLong();

        Histogram(double[] boundsSeconds) {
            bounds = boundsSeconds.clone();
            buckets = new LongAdder[bounds.length];
            for (int i = 0; i < buckets.length; i++) buckets[i] = new LongAdder();
        }

        void observe(long nanos) {
            double s = nanos / 1e9;
            for (int i = 0; i < bounds.length; i++) {
                if (s <= bounds[i]) {
                    buckets[i].increment();
                    break;
                }
            }
            count.increment();
            sumNanos.addAndGet(nanos);
        }

        void render(StringBuilder sb, String name, String help) {
            header(sb, name, help, "histogram");
            long cumulative = 0;
            for (int i = 0; i < bounds.length; i++) {
                cumulative += buckets[i].sum();
                sb.append(name).append("_bucket{le=\"").append(bounds[i]).append("\"} ").append(cumulative).append('\n');
            }
            long c = count.sum();
            sb.append(name).append("_bucket{le=\"+Inf\"} ").append(c).append('\n');
            sb.append(name).append("_sum ").append(sumNanos.get() / 1e9).append('\n');
            sb.append(name).append("_count ").append(c).append('\n');
        }
    }
}

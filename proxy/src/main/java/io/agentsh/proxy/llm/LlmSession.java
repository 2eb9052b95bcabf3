package io.agentsh.proxy.llm;

import io.agentsh.proxy.dlp.Redactor;
import java.util.concurrent.atomic.AtomicLong;

/** One session's state inside the proxy: its redactor (and token key), limits, log and counters. */
final class LlmSession {
    final String id;
    final Redactor redactor;
    final RateLimiter limiter;
    final RequestLog.SessionLog log;
    final AtomicLong totalRequests = new AtomicLong();
    final AtomicLong requestsWithRedactions = new AtomicLong();
    final AtomicLong inputTokens = new AtomicLong();
    final AtomicLong outputTokens = new AtomicLong();

    LlmSession(String id, Redactor redactor, RateLimiter limiter, RequestLog.SessionLog log) {
        this.id = id;
        this.redactor = redactor;
        this.limiter = limiter;
        this.log = log;
    }
}

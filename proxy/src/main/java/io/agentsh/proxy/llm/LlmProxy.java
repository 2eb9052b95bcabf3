package io.agentsh.proxy.llm;

import io.agentsh.proxy.dlp.Redactor;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The embedded LLM proxy: one loopback HTTP listener for all sessions. A session's SDKs reach it
 * through the base URLs of its {@link LlmSessionHandle} ({@code http://127.0.0.1:<port>/s/<id>});
 * requests are redacted, rate-limited, forwarded to the configured provider over TLS, and logged
 * to the session's {@code llm-requests.jsonl}.
 *
 * <pre>{@code
 * LlmProxy proxy = LlmProxy.start(settings, sink);            // once, at daemon start
 * LlmSessionHandle h = proxy.registerSession(sid, redactor);   // per session
 * env.putAll(h.environment());                                 // ANTHROPIC_BASE_URL, OPENAI_BASE_URL
 * proxy.unregisterSession(sid);                                // at session end
 * proxy.close();
 * }</pre>
 */
public final class LlmProxy implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LlmProxy.class.getName());

    private final LlmProxySettings settings;
    private final LlmEventSink sink;
    private final EventLoopGroup group;
    private final Upstreams upstreams;
    private final RequestLog log = new RequestLog();
    private final Map<String, LlmSession> sessions = new ConcurrentHashMap<>();
    private final Upstreams.Origin anthropic;
    private final Upstreams.Origin openai;
    private final Upstreams.Origin chatgpt = Upstreams.Origin.of(LlmProxySettings.CHATGPT_BACKEND);
    private final boolean openaiIsDefault;
    private Channel listener;
    private int port;
    private volatile io.agentsh.proxy.llm.tls.InterceptionCa interceptionCa;

    /** A request's session, the path after the session prefix, and (intercepted TLS only) a fixed provider. */
    record Route(LlmSession session, String path, Upstreams.Origin origin) {
        Route(LlmSession session, String path) {
            this(session, path, null);
        }

        Route withPath(String p) {
            return new Route(session, p, origin);
        }
    }

    private LlmProxy(LlmProxySettings settings, LlmEventSink sink, int threads) throws IOException {
        this.settings = settings;
        this.sink = sink;
        this.anthropic = Upstreams.Origin.of(settings.anthropic());
        this.openai = Upstreams.Origin.of(settings.openai());
        this.openaiIsDefault = settings.openai().equals(LlmProxySettings.DEFAULT_OPENAI);
        this.group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
        this.upstreams = new Upstreams(settings.extraTrustAnchors(), settings.upstreamTimeout());
    }

    /**
     * Binds the listener ({@code proxy.port}, 0 = any free port, on 127.0.0.1) and emits
     * {@code llm_proxy_started} or {@code llm_proxy_failed}. The daemon starts it when
     * {@code proxy.mode} is embedded (or mcp-only, where the reference runs it with DLP disabled:
     * register sessions with a {@code DlpMode.DISABLED} redactor).
     */
    public static LlmProxy start(LlmProxySettings settings, LlmEventSink sink) throws IOException {
        if (settings.mode() == LlmProxySettings.Mode.OFF) {
            throw new IllegalArgumentException("proxy.mode is neither embedded nor mcp-only: the LLM proxy is off");
        }
        LlmProxy p = new LlmProxy(settings, sink == null ? LlmEventSink.NONE : sink,
                Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())));
        try {
            p.bind();
        } catch (IOException | RuntimeException e) {
            p.emit(new LlmEvent("llm_proxy_failed", "", Instant.now(), Map.of("error", String.valueOf(e.getMessage()))));
            p.close();
            throw e instanceof IOException io ? io : new IOException("LLM proxy: " + e.getMessage(), e);
        }
        p.emit(new LlmEvent("llm_proxy_started", "", Instant.now(), Map.of("proxy_url", p.baseUrl())));
        return p;
    }

    private void bind() throws IOException {
        ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new IdleStateHandler(0, 0, 60, TimeUnit.SECONDS) {
                            @Override
                            protected void channelIdle(io.netty.channel.ChannelHandlerContext ctx,
                                                       io.netty.handler.timeout.IdleStateEvent evt) {
                                ctx.close();   // idle keep-alive connections (the reference's 60 s)
                            }
                        });
                        ch.pipeline().addLast(new HttpServerCodec());
                        ch.pipeline().addLast(new HttpObjectAggregator(settings.maxBodyBytes()));
                        ch.pipeline().addLast(new FrontendHandler(LlmProxy.this));
                    }
                });
        try {
            listener = b.bind(new InetSocketAddress(settings.bindAddress(), settings.port())).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding the LLM proxy");
        } catch (Exception e) {
            throw new IOException("LLM proxy cannot listen on " + settings.bindAddress() + ":" + settings.port() + ": "
                    + e.getMessage(), e);
        }
        port = ((InetSocketAddress) listener.localAddress()).getPort();
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port>}: the listener itself (the reference's {@code proxy_url}). */
    public String baseUrl() {
        String host = settings.bindAddress().contains(":") ? "[" + settings.bindAddress() + "]" : settings.bindAddress();
        return "http://" + host + ":" + port;
    }

    /**
     * Makes a session known to the proxy. {@code redactor} carries the session's DLP mode and token
     * key; its log goes to {@code <sessions_dir>/<id>/llm-requests.jsonl}.
     */
    public LlmSessionHandle registerSession(String sessionId, Redactor redactor) {
        if (sessionId == null || !sessionId.matches("[A-Za-z0-9._-]{1,128}")) {
            throw new IllegalArgumentException("session id '" + sessionId + "' cannot be used in a URL path");
        }
        var dir = settings.sessionsDir().resolve(sessionId);
        LlmSession s = new LlmSession(sessionId, redactor, new RateLimiter(settings.rateLimits(), System.nanoTime()),
                log.open(dir));
        LlmSession old = sessions.put(sessionId, s);
        if (old != null) {
            old.log.close();
        }
        String base = baseUrl() + "/s/" + sessionId;
        scheduleRetention();
        return new LlmSessionHandle(sessionId, base, base + "/v1", dir.resolve(RequestLog.FILE_NAME));
    }

    /**
     * Applies {@code llm_storage.retention} off the caller's thread, as the reference does when a
     * session's proxy starts. Runs coalesce: a session registering while one is queued adds none.
     */
    private void scheduleRetention() {
        LlmRetention r = settings.retention();
        if (!r.enabled() || !retentionQueued.compareAndSet(false, true)) {
            return;
        }
        try {
            retention.execute(() -> {
                retentionQueued.set(false);
                try {
                    LlmStorageCleaner.run(settings.sessionsDir(), r, sessions::containsKey, java.time.Instant.now());
                } catch (IOException | RuntimeException e) {
                    LOG.log(Level.WARNING, "llm storage retention under " + settings.sessionsDir() + ": " + e.getMessage());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            retentionQueued.set(false);
        }
    }

    /** Waits until every retention run queued so far has finished (tests). */
    void awaitRetention() throws Exception {
        retention.submit(() -> { }).get(10, TimeUnit.SECONDS);
    }

    /**
     * Turns on TLS interception (off by default) for the configured provider hosts only, with
     * certificates from this per-install CA. Sessions must trust the CA for it to work (see
     * {@link io.agentsh.proxy.llm.tls.InterceptionCa}); clients that do not simply fail TLS.
     */
    public void enableTlsInterception(io.agentsh.proxy.llm.tls.InterceptionCa ca) {
        this.interceptionCa = ca;
    }

    /** True if interception is on and host:port is one of the configured providers. */
    public boolean intercepts(String host, int port) {
        return interceptionCa != null && providerFor(host, port) != null;
    }

    private Upstreams.Origin providerFor(String host, int port) {
        for (Upstreams.Origin o : new Upstreams.Origin[] {anthropic, openai}) {
            if (o.tls() && o.host().equalsIgnoreCase(host) && o.port() == port) {
                return o;
            }
        }
        return null;
    }

    /**
     * Takes over a connection that carries a client's TLS stream to a provider (for example a
     * CONNECT tunnel the network proxy accepted, with its own handlers removed): terminates TLS
     * with a certificate for {@code host} and runs the same pipeline as the loopback listener
     * (DLP, limits, log) for {@code sessionId}, forwarding to that provider.
     *
     * @throws IllegalStateException if interception is off, the host is not a provider, or the session is unknown
     */
    public void interceptTls(Channel channel, String host, int port, String sessionId) {
        io.agentsh.proxy.llm.tls.InterceptionCa ca = interceptionCa;
        Upstreams.Origin origin = providerFor(host, port);
        LlmSession s = sessions.get(sessionId);
        if (ca == null || origin == null || s == null) {
            throw new IllegalStateException("no TLS interception for " + host + ":" + port + " in session " + sessionId);
        }
        var p = channel.pipeline();
        p.addLast("agentsh-llm-tls", ca.serverContext(host).newHandler(channel.alloc()));
        p.addLast(new HttpServerCodec());
        p.addLast(new HttpObjectAggregator(settings.maxBodyBytes()));
        p.addLast(new FrontendHandler(this, new Route(s, "/", origin)));
    }

    public void unregisterSession(String sessionId) {
        LlmSession s = sessions.remove(sessionId);
        if (s != null) {
            s.log.close();
        }
    }

    public LlmProxyStats stats(String sessionId) {
        LlmSession s = sessions.get(sessionId);
        if (s == null) {
            return null;
        }
        return new LlmProxyStats(s.totalRequests.get(), s.requestsWithRedactions.get(), s.inputTokens.get(),
                s.outputTokens.get());
    }

    /** Waits until every log line queued so far is written. */
    public void flushLogs() throws InterruptedException {
        log.flush();
    }

    Route route(String uri, HttpHeaders headers) {
        if (uri.startsWith("/s/")) {
            int slash = uri.indexOf('/', 3);
            String id = slash < 0 ? uri.substring(3) : uri.substring(3, slash);
            int q = id.indexOf('?');
            if (q >= 0) {
                id = id.substring(0, q);
            }
            LlmSession s = sessions.get(id);
            if (s == null) {
                return null;
            }
            String rest = uri.substring(3 + id.length());
            return new Route(s, rest.isEmpty() || rest.charAt(0) != '/' ? "/" + rest : rest);
        }
        String header = headers.get("x-session-id");
        LlmSession s = header == null || !uri.startsWith("/") ? null : sessions.get(header);   // origin-form only
        return s == null ? null : new Route(s, uri);
    }

    /**
     * The provider for a request. As in the reference, OpenAI-dialect requests with the default
     * OpenAI URL and a bearer token that is not an {@code sk-} key (a ChatGPT login) go to the
     * ChatGPT backend.
     */
    Upstreams.Origin origin(Dialect dialect, HttpHeaders headers) {
        if (dialect == Dialect.ANTHROPIC) {
            return anthropic;
        }
        if (openaiIsDefault) {
            String auth = headers.get("authorization", "");
            if (auth.regionMatches(true, 0, "Bearer ", 0, 7) && !auth.substring(7).trim().startsWith("sk-")) {
                return chatgpt;
            }
        }
        return openai;
    }

    void emitRejected(LlmSession session, String requestId, Dialect dialect, String method, String path, int status,
                      String why) {
        emit(new LlmEvent("llm_request", session.id, Instant.now(), FrontendHandler.fields("request_id", requestId,
                "dialect", dialect.wireName(), "method", method, "path", path, "status", status, "error", why)));
    }

    /** Bodies at least this large are scanned off the event loop. */
    static final int INLINE_DLP_LIMIT = 256 * 1024;

    private final java.util.concurrent.ExecutorService retention = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "agentsh-llm-retention");
        t.setDaemon(true);
        return t;
    });
    private final java.util.concurrent.atomic.AtomicBoolean retentionQueued = new java.util.concurrent.atomic.AtomicBoolean();

    private final java.util.concurrent.ExecutorService dlpExecutor = java.util.concurrent.Executors.newFixedThreadPool(
            Math.max(1, Runtime.getRuntime().availableProcessors()), r -> {
                Thread t = new Thread(r, "agentsh-llm-dlp");
                t.setDaemon(true);
                return t;
            });

    java.util.concurrent.Executor dlpExecutor() {
        return dlpExecutor;
    }

    void emit(LlmEvent e) {
        try {
            sink.emit(e);
        } catch (RuntimeException ex) {
            LOG.log(Level.WARNING, "LLM event sink failed: " + ex.getMessage());
        }
    }

    LlmProxySettings settings() {
        return settings;
    }

    Upstreams upstreams() {
        return upstreams;
    }

    RequestLog log() {
        return log;
    }

    @Override
    public void close() {
        if (listener != null) {
            listener.close().awaitUninterruptibly();
        }
        upstreams.close();
        dlpExecutor.shutdownNow();
        retention.shutdownNow();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        log.close();
    }
}

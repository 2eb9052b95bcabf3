package io.agentsh.cli.client;

import io.agentsh.core.api.EventQueries;
import io.agentsh.core.audit.Event;
import io.agentsh.core.audit.EventQuery;
import io.agentsh.core.audit.SqliteEventStore;
import io.agentsh.core.json.Json;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** agentsh events query|tail (cli-api-shim.md §1.6). */
@Command(name = "events", description = "Query and follow audit events",
        subcommands = {EventsCommand.Query.class, EventsCommand.Tail.class})
public final class EventsCommand {

    @Command(name = "query", description = "Search stored events")
    public static final class Query extends ClientCommand {
        @Option(names = "--session") String session;
        @Option(names = "--type", description = "comma-separated event types") String type;
        @Option(names = "--decision") String decision;
        @Option(names = "--since", description = "RFC3339 or a duration such as 1h (ago)") String since;
        @Option(names = "--until") String until;
        @Option(names = "--path-like") String pathLike;
        @Option(names = "--domain-like") String domainLike;
        @Option(names = "--text-like") String textLike;
        @Option(names = "--limit", defaultValue = "200") int limit;
        @Option(names = "--offset", defaultValue = "0") int offset;
        @Option(names = "--order", defaultValue = "desc") String order;
        @Option(names = "--direct-db", description = "read the SQLite file instead of asking the server") boolean directDb;
        @Option(names = "--db-path", description = "events.db (env AGENTSH_DB_PATH, default ./data/events.db)") String dbPath;

        @Override
        protected int run() throws Exception {
            Map<String, String> q = new LinkedHashMap<>();
            put(q, "type", type);
            put(q, "decision", decision);
            put(q, "since", since);
            put(q, "until", until);
            put(q, "path_like", pathLike);
            put(q, "domain_like", domainLike);
            put(q, "text_like", textLike);
            q.put("limit", Integer.toString(limit));
            q.put("offset", Integer.toString(offset));
            q.put("order", order);
            if (directDb) return direct(q);
            StringBuilder path = new StringBuilder(session != null && !session.isEmpty()
                    ? "/api/v1/sessions/" + session + "/history" : "/api/v1/events/search");
            char sep = '?';
            for (Map.Entry<String, String> e : q.entrySet()) {
                path.append(sep).append(e.getKey()).append('=')
                        .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
                sep = '&';
            }
            return printJsonReply(options.client(), "GET", path.toString(), null);
        }

        private int direct(Map<String, String> q) throws Exception {
            String db = dbPath != null ? dbPath : System.getenv().getOrDefault("AGENTSH_DB_PATH", "./data/events.db");
            if (!Files.isRegularFile(Path.of(db))) throw new Exit(1, "open " + db + ": no such file or directory");
            EventQuery query;
            try {
                query = EventQueries.parse(q::get, session);
            } catch (io.agentsh.core.api.ApiException e) {
                throw new Exit(1, e.getMessage());
            }
            SqliteEventStore store = new SqliteEventStore(Path.of(db));
            try {
                List<Event> found = store.query(query);
                out().print(Json.indent(found.isEmpty() ? null : found));
            } finally {
                store.close();
            }
            return 0;
        }

        private static void put(Map<String, String> q, String k, String v) {
            if (v != null && !v.isEmpty()) q.put(k, v);
        }
    }

    @Command(name = "tail", description = "Follow a session's live events")
    public static final class Tail extends ClientCommand {
        @Parameters(index = "0", paramLabel = "SESSION_ID") String session;

        @Override
        protected int run() throws Exception {
            ApiClient c = options.client();
            c.stream("GET", "/api/v1/sessions/" + session + "/events", null, (event, data) -> out().println(data));
            return 0;
        }
    }
}

package io.agentsh.core.audit;

import io.agentsh.core.json.GoTime;
import io.agentsh.core.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The reference's events table in SQLite (WAL). Writes come from the single audit writer thread;
 * queries from request threads, serialised on the one connection (SQLite allows one writer anyway).
 */
public final class SqliteEventStore implements EventSink {
    private final Connection conn;

    public SqliteEventStore(Path dbPath) throws SQLException {
        try {
            if (dbPath.getParent() != null) Files.createDirectories(dbPath.getParent());
        } catch (java.io.IOException e) {
            throw new SQLException("create directory for " + dbPath + ": " + e.getMessage(), e);
        }
        conn = DriverManager.getConnection("jdbc:sqlite:" + dbPath);
        try (Statement st = conn.createStatement()) {
            st.execute("PRAGMA journal_mode=WAL");
            st.execute("PRAGMA synchronous=NORMAL");
            st.execute("PRAGMA busy_timeout=5000");
            st.execute("""
                    CREATE TABLE IF NOT EXISTS events(event_id TEXT PRIMARY KEY, ts_unix_ns INTEGER NOT NULL,
                      session_id TEXT NOT NULL, command_id TEXT, type TEXT NOT NULL, pid INTEGER,
                      policy_decision TEXT, effective_decision TEXT, policy_rule TEXT, path TEXT,
                      domain TEXT, remote TEXT, operation TEXT, payload_json TEXT NOT NULL)""");
            st.execute("CREATE INDEX IF NOT EXISTS idx_events_session_ts ON events(session_id, ts_unix_ns)");
            st.execute("CREATE INDEX IF NOT EXISTS idx_events_command_ts ON events(command_id, ts_unix_ns)");
            st.execute("CREATE INDEX IF NOT EXISTS idx_events_type_ts ON events(type, ts_unix_ns)");
            st.execute("CREATE INDEX IF NOT EXISTS idx_events_path ON events(path)");
            st.execute("CREATE INDEX IF NOT EXISTS idx_events_domain ON events(domain)");
        }
    }

    @Override
    public synchronized void write(List<Event> batch) throws SQLException {
        boolean auto = conn.getAutoCommit();
        conn.setAutoCommit(false);
        try (PreparedStatement ps = conn.prepareStatement(
                "INSERT OR IGNORE INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
            for (Event e : batch) {
                PolicyInfo p = e.policy();
                ps.setString(1, e.id());
                ps.setLong(2, GoTime.unixNanos(e.timestamp()));
                ps.setString(3, e.sessionId());
                ps.setString(4, e.commandId());
                ps.setString(5, e.type());
                if (e.pid() == null) ps.setNull(6, java.sql.Types.INTEGER); else ps.setInt(6, e.pid());
                ps.setString(7, p == null ? null : p.decision());
                ps.setString(8, p == null ? null : p.effectiveDecision());
                ps.setString(9, p == null ? null : p.rule());
                ps.setString(10, e.path());
                ps.setString(11, e.domain());
                ps.setString(12, e.remote());
                ps.setString(13, e.operation());
                ps.setString(14, Json.encode(e));
                ps.addBatch();
            }
            ps.executeBatch();
            conn.commit();
        } catch (SQLException ex) {
            conn.rollback();
            throw ex;
        } finally {
            conn.setAutoCommit(auto);
        }
    }

    /** Runs a query; rows come back as the stored JSON payloads, decoded. */
    public synchronized List<Event> query(EventQuery q) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT payload_json FROM events WHERE 1=1");
        List<Object> params = new ArrayList<>();
        if (q.sessionId() != null) { sql.append(" AND session_id = ?"); params.add(q.sessionId()); }
        if (q.commandId() != null) { sql.append(" AND command_id = ?"); params.add(q.commandId()); }
        if (!q.types().isEmpty()) {
            sql.append(" AND type IN (").append("?,".repeat(q.types().size() - 1)).append("?)");
            params.addAll(q.types());
        }
        if (q.decision() != null) { sql.append(" AND policy_decision = ?"); params.add(q.decision()); }
        if (q.pathLike() != null) { sql.append(" AND path LIKE ?"); params.add(q.pathLike()); }
        if (q.domainLike() != null) { sql.append(" AND domain LIKE ?"); params.add(q.domainLike()); }
        if (q.textLike() != null) { sql.append(" AND payload_json LIKE ?"); params.add(q.textLike()); }
        if (q.since() != null) { sql.append(" AND ts_unix_ns >= ?"); params.add(GoTime.unixNanos(q.since())); }
        if (q.until() != null) { sql.append(" AND ts_unix_ns <= ?"); params.add(GoTime.unixNanos(q.until())); }
        sql.append(" ORDER BY ts_unix_ns ").append(q.ascending() ? "ASC" : "DESC").append(" LIMIT ? OFFSET ?");
        params.add(q.limit());
        params.add(q.offset());
        try (PreparedStatement ps = conn.prepareStatement(sql.toString())) {
            for (int i = 0; i < params.size(); i++) ps.setObject(i + 1, params.get(i));
            List<Event> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(Json.MAPPER.readValue(rs.getString(1), Event.class));
            }
            return out;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SQLException("stored event is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            conn.close();
        } catch (SQLException ignored) {
            // closing at shutdown; nothing useful to do
        }
    }
}

#!/usr/bin/env python3
"""A stand-in for the agentsh HTTP API, for the front-end tests.

Usage: fake_api.py (tcp PORTFILE | unix SOCKET) STATE_DIR

The exec answer depends on the session id (see EXEC below); the last request (method, path,
headers, body) is saved to STATE_DIR/last.json. A session named "missing" answers 404
"session not found" until POST /api/v1/sessions creates it.
"""
import json
import os
import socketserver
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

KIND, WHERE, STATE = sys.argv[1], sys.argv[2], sys.argv[3]
created = set()

DENY_SUGGESTION = {"action": "adjust_policy", "command": "",
                   "reason": "operation denied by policy; adjust policy or change command"}


def exec_response(sid, req, exit_code, stdout=None, stderr=None, error=None, guidance=None, events=None):
    result = {"exit_code": exit_code}
    if stdout is not None:
        result["stdout"] = stdout
    if stderr is not None:
        result["stderr"] = stderr
    result["duration_ms"] = 3
    if error:
        result["error"] = error
    body = {"command_id": "cmd-1", "session_id": sid, "timestamp": "2026-01-01T00:00:00Z", "request": req,
            "result": result,
            "events": events or {"file_operations": [], "network_operations": [], "blocked_operations": []}}
    if guidance is not None:
        body["guidance"] = guidance
    return body


def exec_answer(sid, req):
    if sid in ("ok", "envsid"):
        return 200, exec_response(sid, req, 0, "hello <&> \u00e9\n", "warn\n", guidance={"status": "ok"})
    if sid == "fail3":
        return 200, exec_response(sid, req, 3, None, "bad\n",
                                  error={"code": "E_COMMAND_FAILED", "message": "exit status 3"},
                                  guidance={"status": "failed", "reason": "command failed"})
    if sid == "deny":
        return 403, exec_response(sid, req, 126, error={"code": "E_POLICY_DENIED", "message": "command denied by policy",
                                                        "policy_rule": "no-rm", "suggestions": [DENY_SUGGESTION]},
                                  guidance={"status": "blocked", "blocked": True, "reason": "command denied by policy",
                                            "policy_rule": "no-rm", "blocked_operation": "command_precheck",
                                            "blocked_target": "rm", "suggestions": [DENY_SUGGESTION]})
    if sid == "deny-noguidance":
        return 403, exec_response(sid, req, 126, error={"code": "E_POLICY_DENIED", "message": "command denied by policy",
                                                        "policy_rule": "no-rm", "suggestions": [DENY_SUGGESTION]})
    if sid == "timeout":
        return 200, exec_response(sid, req, 124, None, "partial\ncommand timed out\n",
                                  error={"code": "E_COMMAND_FAILED", "message": "context deadline exceeded"},
                                  guidance={"status": "failed", "retryable": True, "reason": "command timed out",
                                            "suggestions": [{"action": "increase_timeout",
                                                             "command": "agentsh exec --timeout 2m ...",
                                                             "reason": "increase --timeout for slow commands"}]})
    if sid == "notfound":
        return 200, exec_response(sid, req, 127, error={"code": "E_COMMAND_FAILED",
                                                        "message": "start: exec: \"nosuch\": executable file not found in $PATH"},
                                  guidance={"status": "failed", "reason": "command failed",
                                            "suggestions": [{"action": "use_absolute_exe", "command": "",
                                                             "reason": "use an absolute executable path (or install the missing tool if allowed)"}]})
    if sid == "binary":
        return 200, exec_response(sid, req, 0, "a\u0000b\U0001F600\n", guidance={"status": "ok"})
    if sid == "missing":
        if sid in created:
            return 200, exec_response(sid, req, 0, "after-create\n", guidance={"status": "ok"})
        return 404, {"error": "session not found"}
    if sid == "err500":
        return 500, {"error": "boom"}
    if sid == "garbage":
        return 200, "not json"
    return 404, {"error": "session not found"}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def address_string(self):
        return "local"

    def reply(self, status, obj):
        body = obj.encode() if isinstance(obj, str) else (json.dumps(obj, ensure_ascii=False) + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def handle_any(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        with open(os.path.join(STATE, "last.json"), "w") as f:
            json.dump({"method": self.command, "path": self.path, "headers": dict(self.headers.items()),
                       "body": json.loads(raw) if raw else None}, f)
        parts = self.path.split("/")
        if self.command == "POST" and self.path == "/api/v1/sessions":
            req = json.loads(raw)
            if req.get("workspace", "").startswith("/nonexistent"):
                return self.reply(400, {"error": "workspace stat: no such file or directory"})
            sid = req.get("id") or "session-generated"
            created.add(sid)
            return self.reply(201, {"id": sid, "state": "ready", "created_at": "2026-01-01T00:00:00Z",
                                    "workspace": req.get("workspace"), "workspace_mount": req.get("workspace"),
                                    "policy": req.get("policy"), "cwd": "/workspace", "virtual_root": "/workspace"})
        if self.command == "GET" and len(parts) == 6 and parts[5] == "proxy":
            if parts[4] == "with-proxy":
                return self.reply(200, {"state": "running", "address": "127.0.0.1:9999", "mode": "embedded",
                                        "dlp_mode": "redact", "active_patterns": 2, "pattern_names": ["aws", "gh"]})
            return self.reply(200, {"state": "not configured", "address": "", "mode": "embedded",
                                    "dlp_mode": "disabled"})
        if self.command == "POST" and len(parts) == 6 and parts[5] == "exec":
            status, body = exec_answer(parts[4], json.loads(raw))
            return self.reply(status, body)
        return self.reply(404, {"error": "not found"})

    do_GET = do_POST = do_DELETE = handle_any


class UnixServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


if KIND == "tcp":
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(WHERE + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(WHERE + ".tmp", WHERE)
else:
    if os.path.exists(WHERE):
        os.unlink(WHERE)
    srv = UnixServer(WHERE, Handler)
srv.serve_forever()

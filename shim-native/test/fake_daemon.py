#!/usr/bin/env python3
"""A stand-in for the agentsh daemon's unix socket, for the shim tests.

Usage: fake_daemon.py SOCKET STATE_DIR [--user NAME]

Each request is answered according to STATE_DIR/mode (read per request, so a test switches
behaviour by rewriting it); the last request body is saved to STATE_DIR/last_request.json.
Modes:
  policy      deny (rule deny-forbidden) when an argument contains FORBIDDEN, else exec
  exec        200 exec of the real shell with the caller's argv/env/cwd (what a daemon that
              allows the command answers)
  exec_env    like exec, but env is ["FOO=bar", "PATH=..."] and cwd is STATE_DIR
  chunked     exec, sent with Transfer-Encoding: chunked, one byte at a time
  deny        403 deny with rule block-test
  garbage     200 with a body that is not JSON
  badpath     200 exec whose path is relative
  noargv      200 exec without argv
  nulargv     200 exec whose argv contains a NUL byte
  status500   500 {"error":"boom"}
  hang        read the request, never answer
  close       close the connection without answering
  halfbody    Content-Length larger than the body sent, then close
"""
import json
import os
import pwd
import socket
import socketserver
import sys
import time

SOCK, STATE = sys.argv[1], sys.argv[2]
USER = sys.argv[4] if len(sys.argv) > 4 and sys.argv[3] == "--user" else None


def mode():
    try:
        with open(os.path.join(STATE, "mode")) as f:
            return f.read().strip()
    except OSError:
        return "exec"


def exec_answer(req):
    shell = req["shell"]
    return {"action": "exec", "path": req["real_shell"], "argv": [shell] + req["args"],
            "env": req["env"], "cwd": req["cwd"]}


class Handler(socketserver.StreamRequestHandler):
    def read_request(self):
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.request.recv(65536)
            if not chunk:
                return None
            head += chunk
        head, body = head.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        length = 0
        for line in lines[1:]:
            k, _, v = line.partition(":")
            if k.strip().lower() == "content-length":
                length = int(v.strip())
        while len(body) < length:
            chunk = self.request.recv(65536)
            if not chunk:
                return None
            body += chunk
        return lines[0], body[:length]

    def send(self, status, obj=None, raw=None, chunked=False, extra=b""):
        text = {200: "OK", 403: "Forbidden", 500: "Internal Server Error"}[status]
        body = raw if raw is not None else (json.dumps(obj) + "\n").encode()
        if chunked:
            self.request.sendall(b"HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n"
                                 b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" % (status, text.encode()))
            for i in range(len(body)):
                self.request.sendall(b"1\r\n" + body[i:i + 1] + b"\r\n")
            self.request.sendall(b"0\r\n\r\n")
            return
        self.request.sendall(b"HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
                             b"Connection: close\r\n\r\n" % (status, text.encode(), len(body) + len(extra)) + body)

    def handle(self):
        m = mode()
        if m == "close":
            return
        got = self.read_request()
        if got is None:
            return
        line, body = got
        with open(os.path.join(STATE, "last_request.json"), "wb") as f:
            f.write(body)
        with open(os.path.join(STATE, "request_line"), "w") as f:
            f.write(line)
        # surrogateescape: bytes that are not UTF-8 arrive as lone \udcXX and go back the same way
        req = json.loads(body)
        if m == "policy":
            if any("FORBIDDEN" in a for a in req["args"]):
                self.send(403, {"action": "deny", "rule": "deny-forbidden", "message": "command denied by policy",
                                "exit_code": 126})
            else:
                self.send(200, exec_answer(req))
        elif m == "exec":
            self.send(200, exec_answer(req))
        elif m == "exec_env":
            a = exec_answer(req)
            a["env"] = ["FOO=bar", "PATH=/usr/bin:/bin"]
            a["cwd"] = STATE
            self.send(200, a)
        elif m == "chunked":
            self.send(200, exec_answer(req), chunked=True)
        elif m == "deny":
            self.send(403, {"action": "deny", "rule": "block-test", "message": "no {{.Command}} here",
                            "exit_code": 126})
        elif m == "garbage":
            self.send(200, raw=b"hello, not json\n")
        elif m == "badpath":
            a = exec_answer(req)
            a["path"] = "bash.real"
            self.send(200, a)
        elif m == "noargv":
            a = exec_answer(req)
            del a["argv"]
            self.send(200, a)
        elif m == "nulargv":
            a = exec_answer(req)
            a["argv"].append("x\u0000y")
            self.send(200, a)
        elif m == "status500":
            self.send(500, {"error": "boom"})
        elif m == "hang":
            time.sleep(30)
        elif m == "halfbody":
            self.send(200, exec_answer(req), extra=b"0123456789")


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


if os.path.exists(SOCK):
    os.unlink(SOCK)
srv = Server(SOCK, Handler, bind_and_activate=False)
srv.server_bind()
os.chmod(SOCK, 0o777)
if USER:
    pw = pwd.getpwnam(USER)
    os.setgid(pw.pw_gid)
    os.setuid(pw.pw_uid)
srv.server_activate()  # listen() after dropping: SO_PEERCRED reports this uid
srv.serve_forever()

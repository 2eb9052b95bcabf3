#!/usr/bin/env python3
"""A fake OpenAI-style LLM provider for the suite's LLM proxy checks (86-llm-e2e.sh).

Listens on a loopback address of the VM, appends every request it receives to RECORD as one
JSON line {"path": ..., "body": <the body exactly as received, as text>}, and answers
POST .../chat/completions with a chat.completion carrying `usage` (prompt 11, completion 7), or,
when the request body has "stream": true, with an SSE stream of two content deltas, a final
usage chunk (prompt 5, completion 2) and [DONE]. It never contacts anything.
Usage: fake-llm.py ADDR PORT RECORD READY_FILE
"""
import json, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

addr, port, record, ready = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the proxy pools upstream connections

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        text = body.decode("utf-8", "replace")
        with open(record, "a") as f:
            f.write(json.dumps({"path": self.path, "body": text}) + "\n")
        try:
            stream = bool(json.loads(text).get("stream"))
        except (ValueError, AttributeError):
            stream = False
        if stream:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            base = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "model": "fake-model"}
            events = [dict(base, choices=[{"index": 0, "delta": {"content": c}}]) for c in ("Hello", " stream")]
            events.append(dict(base, choices=[], usage={"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7}))
            for e in [json.dumps(e) for e in events] + ["[DONE]"]:
                data = ("data: " + e + "\n\n").encode()
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
            return
        out = json.dumps({
            "id": "chatcmpl-fake", "object": "chat.completion", "model": "fake-model",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hello json"}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
        }).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)


server = ThreadingHTTPServer((addr, port), Handler)
open(ready, "w").close()
server.serve_forever()

#!/usr/bin/env python3
"""Stand-in servers of the testbed VM (stdlib only; runs inside the VM's network namespace).

Forbidden addresses (cloud metadata, private networks) answer HTTP, HTTPS, raw TCP and UDP with
a marker: a test that sees the marker, or a line in the hit log, caught an enforcement hole.
The allowed addresses (loopback and routed) answer HTTP and HTTPS (certificate from the testbed CA) with another
marker, and echoes POST bodies so DLP and proxy tests can see what arrived.
"""
import argparse, os, socket, socketserver, ssl, sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

def load_env(path):
    env = {}
    for line in open(path):
        line = line.split('#', 1)[0].strip()
        for part in line.split(';'):
            part = part.strip()
            if '=' in part:
                k, v = part.split('=', 1)
                env[k.strip()] = v.strip().strip('"')
    return env

ENV = load_env(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'standins.env'))
LOCK = threading.Lock()
LOG = None

def log_hit(kind, local, peer, what):
    with LOCK:
        LOG.write(f"{kind} {local[0]}:{local[1]} from {peer[0]}:{peer[1]} {what}\n")
        LOG.flush()

def http_handler(marker, kind):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = 'HTTP/1.1'
        def log_message(self, *a):
            pass
        def reply(self, body):
            self.send_response(200)
            self.send_header('Content-Type', 'text/plain')
            self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        def do_GET(self):
            local = self.connection.getsockname()
            log_hit(kind, local, self.client_address, f"GET {self.path}")
            self.reply(f"{marker} addr={local[0]} port={local[1]} path={self.path}\n".encode())
        def do_POST(self):
            local = self.connection.getsockname()
            n = int(self.headers.get('Content-Length') or 0)
            data = self.rfile.read(n) if n else b''
            log_hit(kind, local, self.client_address, f"POST {self.path} {n} bytes")
            self.reply(f"{marker} addr={local[0]} port={local[1]} received={n}\n".encode() + data)
        do_PUT = do_POST
    return Handler

class V6Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6
    daemon_threads = True

class V4Server(ThreadingHTTPServer):
    daemon_threads = True

def serve_http(addr, port, marker, kind, tls_ctx=None):
    cls = V6Server if ':' in addr else V4Server
    srv = cls((addr, port), http_handler(marker, kind))
    if tls_ctx:
        srv.socket = tls_ctx.wrap_socket(srv.socket, server_side=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()

def serve_tcp_marker(addr, port, marker):
    fam = socket.AF_INET6 if ':' in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port)); s.listen(16)
    def loop():
        while True:
            c, peer = s.accept()
            log_hit('forbidden-tcp', c.getsockname(), peer, 'connect')
            try:
                c.sendall(f"{marker} addr={addr} port={port}\n".encode())
            finally:
                c.close()
    threading.Thread(target=loop, daemon=True).start()

def serve_udp_marker(addr, port, marker):
    fam = socket.AF_INET6 if ':' in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind((addr, port))
    def loop():
        while True:
            data, peer = s.recvfrom(4096)
            log_hit('forbidden-udp', (addr, port), peer, f"{len(data)} bytes")
            s.sendto(f"{marker} addr={addr} port={port}\n".encode(), peer)
    threading.Thread(target=loop, daemon=True).start()

def main():
    global LOG
    ap = argparse.ArgumentParser()
    ap.add_argument('--tls-cert', required=True)
    ap.add_argument('--tls-key', required=True)
    ap.add_argument('--ready', required=True)
    ap.add_argument('--log', required=True)
    a = ap.parse_args()
    LOG = open(a.log, 'a')
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(a.tls_cert, a.tls_key)
    fm = ENV['FORBIDDEN_MARKER']
    for addr in ENV['FORBIDDEN_V4'].split() + ENV['FORBIDDEN_V6'].split():
        serve_http(addr, 80, fm, 'forbidden-http')
        serve_http(addr, 443, fm, 'forbidden-https', ctx)
        serve_tcp_marker(addr, 22, fm)
        serve_udp_marker(addr, 53, fm)
    am = ENV['ALLOWED_MARKER']
    for addr in (ENV['ALLOWED_ADDR'], ENV['ROUTED_ADDR'], ENV['NAMED_ADDR']):
        serve_http(addr, 80, am, 'allowed-http')
        serve_http(addr, 443, am, 'allowed-https', ctx)
    open(a.ready, 'w').close()
    threading.Event().wait()

if __name__ == '__main__':
    main()

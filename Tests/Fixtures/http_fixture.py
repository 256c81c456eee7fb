#!/usr/bin/env python3
"""HTTP/1.1 fixture server for the transport tests (Python 3 standard library only).

Listens on 127.0.0.1, port 0, and prints the port on stdout line 1. Paths (any method):
  /ok                         200 {"conn":C,"request":R}
  /echo                       200 with the request headers and body size it saw
  /status?code=N&retry_after=V  status N, with Retry-After: V when given
  /redirect?to=URL&code=N     status N (default 302) with Location: URL
  /big?bytes=N                200 with an N-byte body
  /hang                       reads the request, never answers
  /close                      answers 200, then closes the connection without saying so
  /drop                       closes the connection without answering
  /reset                      resets the connection (RST) without answering
  /stats                      {"connections":C,"requests":R,"authorizations":[...]}, not counted itself
Options: --tls CERT KEY serves HTTPS; --blackhole accepts connections and never reads or answers.
Exits when its stdin reaches EOF (the test closed it, or the test process died), or on SIGTERM/SIGINT.
"""
import json
import os
import signal
import socket
import ssl
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

LOCK = threading.Lock()
STATS = {"connections": 0, "requests": 0, "authorizations": []}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        with LOCK:
            STATS["connections"] += 1
            self.conn_id = STATS["connections"]

    def log_message(self, *args):
        pass

    def handle_expect_100(self):
        # Like many servers: never send 100 Continue; a client waiting for it stalls.
        return True

    def answer(self, code, body=b"", headers=()):
        self.send_response(code)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        url = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        if url.path != "/stats":
            with LOCK:
                STATS["requests"] += 1
                STATS["authorizations"].append(self.headers.get("Authorization"))
                request_no = STATS["requests"]
        if url.path == "/ok":
            self.answer(200, json.dumps({"conn": self.conn_id, "request": request_no}).encode())
        elif url.path == "/echo":
            seen = {
                "conn": self.conn_id,
                "method": self.command,
                "authorization": self.headers.get("Authorization"),
                "expect": self.headers.get("Expect"),
                "correlation": self.headers.get("x-correlation-id"),
                "content_type": self.headers.get("Content-Type"),
                "user_agent": self.headers.get("User-Agent"),
                "body_len": len(body),
                "body_head": body[:64].decode("utf-8", "replace"),
            }
            self.answer(200, json.dumps(seen).encode(), [("Content-Type", "application/json")])
        elif url.path == "/status":
            headers = [("Retry-After", query["retry_after"])] if "retry_after" in query else []
            self.answer(int(query.get("code", "500")), b'{"error":"status"}', headers)
        elif url.path == "/redirect":
            self.answer(int(query.get("code", "302")), b"", [("Location", query.get("to", "/"))])
        elif url.path == "/big":
            self.answer(200, b"x" * int(query.get("bytes", "0")))
        elif url.path == "/hang":
            time.sleep(3600)
        elif url.path == "/close":
            self.answer(200, b'{"closing":true}')
            self.close_connection = True
        elif url.path == "/drop":
            self.close_connection = True
        elif url.path == "/reset":
            # Linger 0 makes close() send RST; close the file wrappers first so the close is real.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.rfile.close()
            self.wfile.close()
            self.connection.close()
            self.close_connection = True
        elif url.path == "/stats":
            with LOCK:
                text = json.dumps(STATS).encode()
            self.answer(200, text)
        else:
            self.answer(404, b"not found")

    do_GET = do_POST = do_PUT = handle_any


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # listen() runs in the constructor: set the backlog before it


def blackhole():
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    print(listener.getsockname()[1], flush=True)
    held = []
    while True:
        connection, _ = listener.accept()
        held.append(connection)


def exit_at_stdin_eof():
    # A parent that blocked or ignored SIGTERM passes that on; stdin EOF always works.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)

    def watch():
        while sys.stdin.buffer.read(4096):
            pass
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def main():
    exit_at_stdin_eof()
    args = sys.argv[1:]
    if "--blackhole" in args:
        blackhole()
        return
    server = Server(("127.0.0.1", 0), Handler)
    if "--tls" in args:
        index = args.index("--tls")
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args[index + 1], args[index + 2])
        server.socket = context.wrap_socket(server.socket, server_side=True)
    server.handle_error = lambda request, address: None
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()

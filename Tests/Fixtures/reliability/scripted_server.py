#!/usr/bin/env python3
"""Scripted Capsule stand-in for the reliability tests (Python 3 standard library only).

Listens on 127.0.0.1 port 0 and prints the port on stdout line 1. Every POST (any path) is logged as one JSON
line to --log FILE: {"t": unix seconds, "authorization": ..., "correlation": ..., "status": N}.

  --fail-first N       the first N requests get --fail-status (default 500), with Retry-After: --retry-after if given
  --redirect-to URL    every request gets 302 with Location: URL
  --tls CERT KEY       serve HTTPS with this certificate chain and key
Otherwise: blocking events get {"apiVersion":"1","response":{"action":"allow"}}, others 202 with an empty body.
The server exits when its stdin reaches EOF (the test process went away).
"""
import argparse
import json
import os
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
COUNT = [0]
ARGS = None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, code, body=b"", headers=()):
        self.send_response(code)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        with LOCK:
            COUNT[0] += 1
            number = COUNT[0]
        headers = []
        if ARGS.redirect_to:
            status, payload = 302, b""
            headers.append(("Location", ARGS.redirect_to))
        elif number <= ARGS.fail_first:
            status, payload = ARGS.fail_status, b'{"error":"scripted failure"}'
            if ARGS.retry_after is not None:
                headers.append(("Retry-After", ARGS.retry_after))
        else:
            try:
                event_type = json.loads(body).get("event_type")
            except Exception:
                event_type = None
            if event_type in ("tool_invocation", "user_message"):
                status, payload = 200, b'{"apiVersion":"1","response":{"action":"allow"}}'
                headers.append(("Content-Type", "application/json"))
            else:
                status, payload = 202, b""
        if ARGS.log:
            entry = {
                "t": time.time(),
                "authorization": self.headers.get("Authorization"),
                "correlation": self.headers.get("x-correlation-id"),
                "status": status,
            }
            with LOCK:
                with open(ARGS.log, "a") as handle:
                    handle.write(json.dumps(entry) + "\n")
        self.answer(status, payload, headers)


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--fail-status", type=int, default=500)
    parser.add_argument("--retry-after")
    parser.add_argument("--redirect-to")
    parser.add_argument("--tls", nargs=2)
    parser.add_argument("--log")
    ARGS = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if ARGS.tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(ARGS.tls[0], ARGS.tls[1])
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print(server.server_address[1], flush=True)
    # Exit when the test process goes away (stdin reaches EOF), so a failed test never leaves a server behind.
    threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()

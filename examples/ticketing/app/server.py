"""A stand-in for the ticketing services: answers the load balancer's health check.

DAZZLE_PROCESS says which process this container is (web or worker).
"""
import os
from http.server import BaseHTTPRequestHandler, HTTPServer


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        status = 200 if self.path == "/health" else 404
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"ok\n" if status == 200 else b"not found\n")


if __name__ == "__main__":
    if os.environ.get("DAZZLE_PROCESS", "web") == "web":
        HTTPServer(("0.0.0.0", 8000), Handler).serve_forever()
    else:
        import time
        while True:
            time.sleep(60)

#!/usr/bin/env python3
"""A fake Docker Engine API on a unix socket, for logtail's docker_sd_configs tests.

Serves, from a JSON state file re-read on every request (the test edits it to start and stop
containers and to write log lines):
  GET /containers/json[?filters=...]   running containers (a `label` filter "k=v" is honoured)
  GET /networks
  GET /containers/{id}/json            Config.Tty
  GET /containers/{id}/logs?follow=..&stdout=..&stderr=..&timestamps=..&since=<sec[.nanos]>
      the container's lines at or after `since` (the daemon's inclusive rule), as 8-byte-header
      stdout/stderr frames (raw bytes when the container has a TTY), each prefixed with its
      RFC3339Nano time; with follow, new lines are sent as they appear until the container
      stops or leaves the state, then the body ends.
State: {"containers": [{"id", "name", "labels", "tty", "running", "network",
                        "logs": [{"ts": "2024-01-01T00:00:00.000000001Z", "stream": "stdout", "line": "..."}]}]}
Every request line is appended to <state>.requests.

Usage: fake_docker_engine.py <socket path> <state file>
"""
import json
import os
import socketserver
import struct
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler
from datetime import datetime, timezone


def ts_ns(text):
    # "2024-01-01T00:00:00.123456789Z" -> nanoseconds (Python's datetime stops at microseconds).
    base, _, frac = text.rstrip("Z").partition(".")
    secs = int(datetime.strptime(base, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc).timestamp())
    return secs * 1_000_000_000 + int((frac + "000000000")[:9])


def since_ns(text):
    if not text:
        return 0
    secs, _, frac = text.partition(".")
    return int(secs) * 1_000_000_000 + int((frac + "000000000")[:9])


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def state(self):
        with open(self.server.state_path) as f:
            return json.load(f)

    def container(self, cid):
        for c in self.state()["containers"]:
            if c["id"] == cid:
                return c
        return None

    def send_json(self, code, value):
        body = json.dumps(value).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def do_GET(self):
        with open(self.server.state_path + ".requests", "a") as f:
            f.write(self.path + "\n")
        url = urllib.parse.urlparse(self.path)
        query = urllib.parse.parse_qs(url.query)
        parts = url.path.strip("/").split("/")
        if parts == ["containers", "json"]:
            wanted = []
            if "filters" in query:
                wanted = json.loads(query["filters"][0]).get("label", [])
            out = []
            for c in self.state()["containers"]:
                if not c.get("running", True):
                    continue
                labels = c.get("labels", {})
                if any(labels.get(w.partition("=")[0]) != w.partition("=")[2] for w in wanted):
                    continue
                net = c.get("network", "bridge")
                out.append({"Id": c["id"], "Names": [c["name"]], "Labels": labels,
                            "HostConfig": {"NetworkMode": net}, "Ports": [],
                            "NetworkSettings": {"Networks": {net: {"NetworkID": "net-" + net,
                                                                   "IPAddress": "172.17.0.%d" % (len(out) + 2)}}}})
            return self.send_json(200, out)
        if parts == ["networks"]:
            return self.send_json(200, [{"Id": "net-bridge", "Name": "bridge", "Scope": "local",
                                         "Internal": False, "Ingress": False, "Labels": {}}])
        if len(parts) == 3 and parts[0] == "containers" and parts[2] == "json":
            c = self.container(parts[1])
            if c is None:
                return self.send_json(404, {"message": "No such container: " + parts[1]})
            return self.send_json(200, {"Id": c["id"], "Config": {"Tty": c.get("tty", False)}})
        if len(parts) == 3 and parts[0] == "containers" and parts[2] == "logs":
            return self.logs(parts[1], query)
        self.send_json(404, {"message": "page not found"})

    def logs(self, cid, query):
        c = self.container(cid)
        if c is None:
            return self.send_json(404, {"message": "No such container: " + cid})
        tty = c.get("tty", False)
        follow = query.get("follow", ["false"])[0] in ("1", "true")
        since = since_ns(query.get("since", ["0"])[0])
        self.send_response(200)
        self.send_header("Content-Type", "application/vnd.docker.raw-stream" if tty else
                         "application/vnd.docker.multiplexed-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        sent = 0
        while True:
            c = self.container(cid)
            logs = c["logs"] if c else []
            out = b""
            for entry in logs[sent:]:
                if ts_ns(entry["ts"]) < since:
                    continue
                payload = (entry["ts"] + " " + entry["line"] + "\n").encode()
                if tty:
                    out += payload.replace(b"\n", b"\r\n")
                else:
                    out += struct.pack(">BxxxL", 2 if entry["stream"] == "stderr" else 1, len(payload)) + payload
            sent = len(logs)
            if out:
                try:
                    self.chunk(out)
                except (BrokenPipeError, ConnectionResetError):
                    return
            if not follow or c is None or not c.get("running", True):
                break
            time.sleep(0.05)
        try:
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


def main():
    sock, state = sys.argv[1], sys.argv[2]
    if os.path.exists(sock):
        os.unlink(sock)
    server = Server(sock, Handler)
    server.state_path = state
    server.serve_forever()


if __name__ == "__main__":
    main()

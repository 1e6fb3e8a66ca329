"""Forwarding one HTTP request to an upstream server and relaying the answer, shared by the
object-store test tools (s3_sigv4_sink.py, s3_fault_proxy.py). Python standard library only.
"""
import http.client
import os
import socket
import urllib.parse

# Hop-by-hop headers a proxy must not pass on (RFC 9110 section 7.6.1).
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade"}


def read_body(handler):
    """The request body (Content-Length framed; the clients we test never send chunked bodies)."""
    length = int(handler.headers.get("Content-Length") or 0)
    return handler.rfile.read(length) if length else b""


def forward(handler, upstream, body, timeout=60):
    """Sends the handler's request (method, raw target, headers, body) to `upstream`
    ("http://host:port"). Returns (status, [(name, value)], body, short): `short` is None, or
    the Content-Length the upstream announced but did not send in full (s3rver does that for
    ranges of empty objects), for relay() to pass the same truncation on."""
    parts = urllib.parse.urlsplit(upstream)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.putrequest(handler.command, handler.path, skip_host=True, skip_accept_encoding=True)
        for name, value in handler.headers.items():
            if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                conn.putheader(name, value)
        conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        resp = conn.getresponse()
        short = None
        try:
            data = resp.read()
        except http.client.IncompleteRead as e:
            data = e.partial
            short = len(e.partial) + e.expected
        headers = [(n, v) for n, v in resp.getheaders() if n.lower() not in HOP_BY_HOP]
        return resp.status, headers, data, short
    finally:
        conn.close()


def relay(handler, status, headers, body, body_limit=None, announced=None):
    """Writes an answer. With `body_limit`, only that many body bytes go out (Content-Length
    still announces them all) and the connection is closed: a truncated download. `announced`
    overrides the Content-Length (an upstream's own short answer, passed on as it was)."""
    handler.send_response(status)
    is_head = handler.command == "HEAD"
    for name, value in headers:
        if name.lower() != "content-length" or is_head:
            handler.send_header(name, value)
    if announced is not None:
        body_limit = len(body)
    if not is_head:
        handler.send_header("Content-Length", str(announced if announced is not None else len(body)))
    if body_limit is not None:
        handler.send_header("Connection", "close")
        handler.close_connection = True
    handler.end_headers()
    if not is_head:
        handler.wfile.write(body if body_limit is None else body[:body_limit])
    handler.wfile.flush()


def s3_error_xml(code, message):
    from xml.sax.saxutils import escape
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>%s</Code><Message>%s</Message>'
            '<RequestId>TESTTOOL</RequestId></Error>' % (escape(code), escape(message))).encode()


def reset_connection(handler):
    """Closes the client's connection with a TCP reset, answering nothing."""
    sock = handler.connection
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    handler.close_connection = True
    sock.close()


def write_port_file(path, port):
    """Publishes the port atomically, so a reader never sees a half-written number."""
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.rename(tmp, path)

#!/usr/bin/python3
"""A loopback HTTP server that checks every request's AWS Signature Version 4 with botocore,
AWS's own Python signer (Debian's python3-botocore), as a test oracle for our signer.

For each request it rebuilds the canonical request from what arrived: the method, the raw
path and query as sent, the headers the Authorization header names in SignedHeaders, and the
SHA-256 of the body it received (so a wrong x-amz-content-sha256 fails too). botocore's
S3SigV4Auth computes the signature with the secret of the request's access key at the time
in X-Amz-Date; a mismatch is answered 403 with S3's SignatureDoesNotMatch error (an unknown
access key: 403 InvalidAccessKeyId). A good request is answered 200 with an empty body, or,
with --upstream, forwarded to the real S3 server (s3rver) and its answer relayed, so a whole
test suite runs with every signature checked.

Usage (run with Debian's /usr/bin/python3, which has botocore):
  /usr/bin/python3 tests/tools/s3_sigv4_sink.py --port-file F --credentials AK:SECRET \
      [--credentials AK2:SECRET2] [--upstream http://127.0.0.1:PORT] [--region us-east-1]
It listens on 127.0.0.1 on a free port and writes the port to F. GET /__sink/stats answers
{"verified": N, "mismatched": M, "unknown_key": K, "unsigned": U} as JSON.
"""
import argparse
import hashlib
import http.server
import json
import os
import re
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import s3_forward  # noqa: E402

from botocore.auth import S3SigV4Auth  # noqa: E402
from botocore.awsrequest import AWSRequest, HTTPHeaders  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402

AUTH_RE = re.compile(r"^AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request, "
                     r"SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$")


class Checker:
    def __init__(self, secrets):
        self.secrets = secrets
        self.lock = threading.Lock()
        self.stats = {"verified": 0, "mismatched": 0, "unknown_key": 0, "unsigned": 0}

    def count(self, what):
        with self.lock:
            self.stats[what] += 1

    def check(self, handler, body):
        """None when the signature is right, else (S3 error code, message)."""
        m = AUTH_RE.match(handler.headers.get("Authorization", ""))
        if not m:
            self.count("unsigned")
            return ("AccessDenied", "no or malformed AWS4-HMAC-SHA256 Authorization header")
        access_key, date, region, service, signed_headers, signature = m.groups()
        if access_key not in self.secrets:
            self.count("unknown_key")
            return ("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.")
        amz_date = handler.headers.get("X-Amz-Date", "")
        names = signed_headers.split(";")
        problems = []
        if not amz_date.startswith(date):
            problems.append("credential date %s does not match X-Amz-Date %s" % (date, amz_date))
        for required in ("host", "x-amz-date", "x-amz-content-sha256"):
            if required not in names:
                problems.append("%s is not signed" % required)
        if handler.headers.get("X-Amz-Security-Token") is not None and "x-amz-security-token" not in names:
            problems.append("x-amz-security-token is sent but not signed")

        request = AWSRequest(method=handler.command, url="http://" + handler.headers.get("Host", "") + handler.path,
                             data=body)
        headers = HTTPHeaders()
        for name in names:
            for value in handler.headers.get_all(name) or []:
                headers.add_header(name, value)
        request.headers = headers
        request.context["timestamp"] = amz_date
        auth = S3SigV4Auth(Credentials(access_key, self.secrets[access_key]), service, region)
        # The body as received decides the payload hash, whatever the client claimed.
        actual_hash = hashlib.sha256(body).hexdigest()
        claimed = handler.headers.get("X-Amz-Content-SHA256", "")
        if claimed != actual_hash:
            problems.append("x-amz-content-sha256 %s is not the body's SHA-256 %s" % (claimed, actual_hash))
        if "x-amz-content-sha256" in names:
            request.headers.replace_header("x-amz-content-sha256", actual_hash)
        canonical = auth.canonical_request(request)
        expected = auth.signature(auth.string_to_sign(request, canonical), request)
        if expected != signature:
            problems.append("signature %s, botocore computes %s; canonical request:\n%s" % (signature, expected, canonical))
        if problems:
            self.count("mismatched")
            return ("SignatureDoesNotMatch", "; ".join(problems))
        self.count("verified")
        return None


def make_handler(checker, upstream):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):
            pass

        def handle_any(self):
            body = s3_forward.read_body(self)
            if self.path == "/__sink/stats":
                data = json.dumps(checker.stats).encode()
                return s3_forward.relay(self, 200, [("Content-Type", "application/json")], data)
            failure = checker.check(self, body)
            if failure:
                sys.stderr.write("s3_sigv4_sink: %s %s: %s: %s\n" % (self.command, self.path, failure[0], failure[1]))
                return s3_forward.relay(self, 403, [("Content-Type", "application/xml")],
                                        s3_forward.s3_error_xml(failure[0], failure[1]))
            if not upstream:
                return s3_forward.relay(self, 200, [], b"")
            status, headers, data, short = s3_forward.forward(self, upstream, body)
            s3_forward.relay(self, status, headers, data, announced=short)

        do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_any

    return Handler


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--port-file", required=True)
    p.add_argument("--credentials", action="append", default=[], help="ACCESS_KEY:SECRET (repeatable)")
    p.add_argument("--upstream", default="")
    args = p.parse_args()
    secrets = dict(c.split(":", 1) for c in args.credentials)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), make_handler(Checker(secrets), args.upstream))
    server.daemon_threads = True
    s3_forward.write_port_file(args.port_file, server.server_address[1])
    server.serve_forever()


if __name__ == "__main__":
    main()

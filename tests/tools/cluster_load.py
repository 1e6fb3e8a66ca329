#!/usr/bin/env python3
"""Load and checks for the cluster end-to-end tests (loopback only).

  push   --distributors URL[,URL...] --tenants a,b --acked FILE [--batches N] [--lines K]
         [--streams S] [--stop-file FILE] [--pause SECONDS]
      Pushes batches of K lines (JSON, one request per tenant and batch, distributors taken in
      turn) until N batches were sent or STOP-FILE exists. Every line is unique, across runs too
      ("<tenant> <run>.<batch> <i>"); the lines of each request answered 204 are appended to ACKED as
      "<tenant>\t<line>", the others are counted as failed. Prints "sent=.. acked=.. failed=..".

      With --spread SECONDS (and --batches) the lines' timestamps are spread evenly over the
      last SECONDS instead of being "now", so range queries cross split intervals.

  compare --a URL --b URL --tenant T --since SECONDS
      Runs the same log and metric queries (range and instant) against both URLs and compares
      their data.result exactly; prints one line per query and exits 1 on any difference.

  verify --url URL --tenants a,b --acked FILE [--since SECONDS] [--selector SEL]
      Queries every tenant's lines (query_range, forward, in pieces of at most 5000 lines) and
      compares with ACKED: prints "acked=.. found=.. missing=.. duplicates=.." and exits 1 when
      an acked line is missing or any line comes back twice.
"""
import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request


def post(url, body, tenant, timeout=10):
    req = urllib.request.Request(url, data=body, method="POST",
                                 headers={"Content-Type": "application/json", "X-Scope-OrgID": tenant})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except Exception:
        return 0


def push(args):
    urls = [u.rstrip("/") + "/loki/api/v1/push" for u in args.distributors.split(",")]
    tenants = args.tenants.split(",")
    sent = acked = failed = 0
    turn = 0
    run = "%d-%d" % (os.getpid(), time.time_ns() % 10**9)  # lines stay unique across runs
    spread_ns = int(args.spread * 10**9)
    start_ns = time.time_ns() - spread_ns
    total = max(1, args.batches * len(tenants) * args.lines)
    with open(args.acked, "a") as out:
        batch = 0
        while args.batches == 0 or batch < args.batches:
            if args.stop_file and os.path.exists(args.stop_file):
                break
            for ti, tenant in enumerate(tenants):
                now = time.time_ns()
                if spread_ns:
                    now = start_ns + (batch * len(tenants) + ti) * args.lines * spread_ns // total
                streams = {}
                lines = []
                for i in range(args.lines):
                    line = "%s %s.%d %d" % (tenant, run, batch, i)
                    lines.append(line)
                    key = "s%d" % (i % args.streams)
                    streams.setdefault(key, []).append([str(now + i), line])
                body = json.dumps({"streams": [{"stream": {"app": "load", "s": k}, "values": v}
                                               for k, v in streams.items()]}).encode()
                status = post(urls[turn % len(urls)], body, tenant)
                turn += 1
                sent += len(lines)
                if status == 204:
                    acked += len(lines)
                    out.write("".join("%s\t%s\n" % (tenant, l) for l in lines))
                    out.flush()
                else:
                    failed += len(lines)
            batch += 1
            if args.pause:
                time.sleep(args.pause)
    print("sent=%d acked=%d failed=%d" % (sent, acked, failed))


def query_lines(url, tenant, selector, start, end):
    """Every (timestamp, line) of the selector in [start, end), fetched forward in pieces."""
    out = []
    cursor = start
    while True:
        q = urllib.parse.urlencode({"query": selector, "start": str(cursor), "end": str(end),
                                    "direction": "forward", "limit": "5000"})
        req = urllib.request.Request(url.rstrip("/") + "/loki/api/v1/query_range?" + q,
                                     headers={"X-Scope-OrgID": tenant})
        with urllib.request.urlopen(req, timeout=60) as r:
            data = json.load(r)
        entries = []
        for s in data["data"]["result"]:
            for ts, line in s["values"]:
                entries.append((int(ts), line))
        entries.sort()
        if len(entries) < 5000:
            out.extend(entries)
            return out
        # The last timestamp may continue in the next piece: keep what is before it, resume there.
        last = entries[-1][0]
        keep = [e for e in entries if e[0] < last]
        if not keep:
            raise SystemExit("more than 5000 lines share one timestamp")
        out.extend(keep)
        cursor = last


def get_json(url, path, params, tenant):
    req = urllib.request.Request(url.rstrip("/") + path + "?" + urllib.parse.urlencode(params),
                                 headers={"X-Scope-OrgID": tenant})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")


def compare(args):
    end = time.time_ns() + 10**9
    start = end - args.since * 10**9
    rng = {"start": str(start), "end": str(end)}
    cases = [
        ("/loki/api/v1/query_range", dict(rng, query='{app="load"}', direction="backward", limit="100")),
        ("/loki/api/v1/query_range", dict(rng, query='{app="load"}', direction="forward", limit="250")),
        ("/loki/api/v1/query_range", dict(rng, query='{app="load", s="s3"} |= " 7"', limit="5000")),
        ("/loki/api/v1/query_range", dict(rng, query='sum by (s) (count_over_time({app="load"}[5m]))', step="60")),
        ("/loki/api/v1/query_range", dict(rng, query='sum(rate({app="load"}[1m]))', step="37")),
        ("/loki/api/v1/query", {"query": 'sum by (s) (count_over_time({app="load"}[1h]))', "time": str(end)}),
        ("/loki/api/v1/labels", dict(rng)),
        ("/loki/api/v1/label/s/values", dict(rng)),
        ("/loki/api/v1/series", dict(rng, **{"match[]": '{app="load"}'})),
    ]
    bad = 0
    for path, params in cases:
        sa, a = get_json(args.a, path, params, args.tenant)
        sb, b = get_json(args.b, path, params, args.tenant)
        ra = a["data"]["result"] if isinstance(a, dict) and "result" in a.get("data", {}) else a.get("data") if isinstance(a, dict) else a
        rb = b["data"]["result"] if isinstance(b, dict) and "result" in b.get("data", {}) else b.get("data") if isinstance(b, dict) else b
        same = sa == 200 and sb == 200 and ra == rb and ra
        size = len(json.dumps(ra))
        print("%s %s %s: %s (%d bytes)" % ("same" if same else "DIFFERENT", path, params.get("query", ""),
                                           "%d/%d" % (sa, sb), size))
        if not same:
            bad += 1
    sys.exit(1 if bad else 0)


def verify(args):
    tenants = args.tenants.split(",")
    acked = {t: set() for t in tenants}
    with open(args.acked) as f:
        for row in f:
            t, line = row.rstrip("\n").split("\t", 1)
            acked.setdefault(t, set()).add(line)
    end = time.time_ns() + 60 * 10**9
    start = end - args.since * 10**9
    total_acked = found = missing = duplicates = 0
    for t in tenants:
        try:
            lines = [l for _, l in query_lines(args.url, t, args.selector, start, end)]
        except Exception as e:  # noqa: BLE001 - the message is the test's diagnostic
            print("query failed for tenant %s: %s" % (t, e))
            sys.exit(1)
        seen = set()
        for l in lines:
            if l in seen:
                duplicates += 1
            seen.add(l)
        found += len(lines)
        total_acked += len(acked[t])
        missing += len(acked[t] - seen)
        foreign = [l for l in seen if not l.startswith(t + " ")]
        if foreign:
            print("tenant %s sees another tenant's line: %s" % (t, foreign[0]))
            sys.exit(1)
    print("acked=%d found=%d missing=%d duplicates=%d" % (total_acked, found, missing, duplicates))
    sys.exit(1 if missing or duplicates else 0)


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("push")
    a.add_argument("--distributors", required=True)
    a.add_argument("--tenants", required=True)
    a.add_argument("--acked", required=True)
    a.add_argument("--batches", type=int, default=0)
    a.add_argument("--lines", type=int, default=10)
    a.add_argument("--streams", type=int, default=3)
    a.add_argument("--stop-file")
    a.add_argument("--pause", type=float, default=0.0)
    a.add_argument("--spread", type=float, default=0.0)
    c = sub.add_parser("compare")
    c.add_argument("--a", required=True)
    c.add_argument("--b", required=True)
    c.add_argument("--tenant", required=True)
    c.add_argument("--since", type=int, default=3600)
    v = sub.add_parser("verify")
    v.add_argument("--url", required=True)
    v.add_argument("--tenants", required=True)
    v.add_argument("--acked", required=True)
    v.add_argument("--since", type=int, default=3600)
    v.add_argument("--selector", default='{app="load"}')
    args = p.parse_args()
    {"push": push, "verify": verify, "compare": compare}[args.cmd](args)


if __name__ == "__main__":
    main()

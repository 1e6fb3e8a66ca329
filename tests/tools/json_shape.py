#!/usr/bin/env python3
"""Checks that a JSON document has the shape of a fixture written from Loki's API documentation.

usage: json_shape.py FIXTURE [DOCUMENT]   (the document on stdin when absent)

Shape rules: an object has every key of the fixture's object (extra keys are allowed, as Loki
adds fields over time) with values of the same shape; an empty fixture object accepts any object.
A fixture array of one element is a list: every element of the document's array has that
element's shape (an empty document array passes). A fixture array of several elements of
different types is a tuple (a sample [<seconds>, "<value>"]): same length, element by element.
Scalars compare by JSON type (every number is a number). A null in the document matches a fixture
array or object: Go encodes an empty (nil) list or map as null, as Loki's answers then carry.
Prints the first mismatch and exits 1.
"""
import json
import sys


def kind(v):
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if v is None:
        return "null"
    if isinstance(v, list):
        return "array"
    return "object"


def check(fixture, doc, path):
    if doc is None and kind(fixture) in ("array", "object"):
        return None
    if kind(fixture) != kind(doc):
        return "%s: %s expected, got %s (%s)" % (path, kind(fixture), kind(doc), json.dumps(doc)[:80])
    if isinstance(fixture, dict):
        for k, v in fixture.items():
            if k not in doc:
                return "%s: key %r missing" % (path, k)
            err = check(v, doc[k], path + "." + k)
            if err:
                return err
        return None
    if isinstance(fixture, list):
        if not fixture:
            return None
        is_tuple = len(fixture) > 1 and len({kind(x) for x in fixture}) > 1
        if is_tuple:
            if len(doc) != len(fixture):
                return "%s: a tuple of %d expected, got %d" % (path, len(fixture), len(doc))
            for i, (f, d) in enumerate(zip(fixture, doc)):
                err = check(f, d, "%s[%d]" % (path, i))
                if err:
                    return err
            return None
        for i, d in enumerate(doc):
            err = check(fixture[0], d, "%s[%d]" % (path, i))
            if err:
                return err
    return None


def main():
    with open(sys.argv[1]) as f:
        fixture = json.load(f)
    text = open(sys.argv[2]).read() if len(sys.argv) > 2 else sys.stdin.read()
    try:
        doc = json.loads(text)
    except ValueError as e:
        print("not JSON: %s: %s" % (e, text[:200]))
        return 1
    err = check(fixture, doc, "$")
    if err:
        print(err)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())

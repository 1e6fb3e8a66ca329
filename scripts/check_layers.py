#!/usr/bin/env python3
"""Checks that lib/'s include graph points only downward.

The layers are the table in docs/architecture.md (rows "| N | `module` `module` |"): a file in
lib/<module>/ may include headers of its own module and of modules in lower layers only. Every
directory under lib/ must have a row, and every module in the table must exist, so the document
stays true. Exit code 1 with one line per offending include.

usage: scripts/check_layers.py [REPO_ROOT]
"""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
doc = root / "docs" / "architecture.md"
lib = root / "lib"

layer_of = {}
row = re.compile(r"^\|\s*(\d+)\s*\|(.*)\|")
for line in doc.read_text().splitlines():
    m = row.match(line)
    if not m:
        continue
    # Only the first column of module names counts (a later column may name modules in prose).
    names = re.findall(r"`([a-z0-9_]+)`", m.group(2).split("|")[0])
    for name in names:
        if name in layer_of:
            sys.exit(f"{doc}: module {name} is in two layers")
        layer_of[name] = int(m.group(1))

problems = []
modules = sorted(p.name for p in lib.iterdir() if p.is_dir())
for name in modules:
    if name not in layer_of:
        problems.append(f"lib/{name}: not in the layer table of {doc}")
for name in sorted(set(layer_of) - set(modules)):
    problems.append(f"{doc}: module {name} has no directory lib/{name}")

include = re.compile(r'^\s*#\s*include\s+"([a-z0-9_]+)/')
for name in modules:
    if name not in layer_of:
        continue
    for path in sorted((lib / name).rglob("*")):
        if path.suffix not in (".h", ".cpp", ".inc"):
            continue
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            m = include.match(line)
            if not m or m.group(1) == name or m.group(1) not in modules:
                continue
            target = m.group(1)
            if target not in layer_of:
                continue  # reported above
            if layer_of[target] >= layer_of[name]:
                problems.append(
                    f"{path.relative_to(root)}:{number}: {name} (layer {layer_of[name]}) includes "
                    f"{target} (layer {layer_of[target]}); a module includes only lower layers")

for p in problems:
    print(p, file=sys.stderr)
sys.exit(1 if problems else 0)

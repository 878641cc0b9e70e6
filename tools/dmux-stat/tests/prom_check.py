#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Parse a Prometheus text exposition (format 0.0.4) strictly and check samples.

usage: prom_check.py FILE ['SERIES=VALUE' ...]
SERIES is written as in the file, e.g. dmux_packets_total{interface="wwan3",...}
with labels in any order. Exit 0 when the file parses and every check holds.
"""
import re
import sys

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"'
SAMPLE = re.compile(r"^(%s)(\{(.*)\})? ([^ ]+)( -?\d+)?$" % NAME)
TYPES = {"counter", "gauge", "untyped", "histogram", "summary"}


def parse_labels(s):
    labels, pos = {}, 0
    while pos < len(s):
        m = re.compile(LABEL).match(s, pos)
        if not m:
            raise ValueError("bad labels: " + s)
        if m.group(1) in labels:
            raise ValueError("duplicate label " + m.group(1))
        labels[m.group(1)] = m.group(2)
        pos = m.end()
        if pos < len(s):
            if s[pos] != ",":
                raise ValueError("bad label separator in " + s)
            pos += 1
    return labels


def parse(text):
    types, helps, series = {}, {}, {}
    for n, line in enumerate(text.splitlines(), 1):
        if not line:
            continue
        if line.startswith("#"):
            parts = line.split(" ", 3)
            if len(parts) >= 3 and parts[1] in ("HELP", "TYPE"):
                if not re.fullmatch(NAME, parts[2]):
                    raise ValueError("line %d: bad metric name" % n)
                if parts[1] == "TYPE":
                    if parts[2] in types or len(parts) != 4 or parts[3] not in TYPES:
                        raise ValueError("line %d: bad or repeated TYPE" % n)
                    types[parts[2]] = parts[3]
                else:
                    helps[parts[2]] = parts[3] if len(parts) > 3 else ""
            continue
        m = SAMPLE.match(line)
        if not m:
            raise ValueError("line %d: not a sample: %r" % (n, line))
        name, labels = m.group(1), parse_labels(m.group(3) or "")
        if name not in types:
            raise ValueError("line %d: sample before its TYPE" % n)
        value = float(m.group(4))
        if types[name] == "counter" and value < 0:
            raise ValueError("line %d: negative counter" % n)
        key = (name, tuple(sorted(labels.items())))
        if key in series:
            raise ValueError("line %d: duplicate series" % n)
        series[key] = value
    return types, series


def main():
    text = open(sys.argv[1]).read()
    try:
        types, series = parse(text)
    except ValueError as e:
        print("parse error:", e)
        return 1
    bad = 0
    for check in sys.argv[2:]:
        want_s, want = check.rsplit("=", 1)
        m = SAMPLE.match(want_s + " 0")
        key = (m.group(1), tuple(sorted(parse_labels(m.group(3) or "").items())))
        got = series.get(key)
        if got is None or got != float(want):
            print("mismatch: %s = %s, want %s" % (want_s, got, want))
            bad += 1
    print("%d families, %d series, %d checks failed" % (len(types), len(series), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

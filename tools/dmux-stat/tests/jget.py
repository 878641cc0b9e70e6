#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Evaluate a Python expression over JSON read from stdin and print it.
`j` is the document; I(name) is the entry of `dmux-stat -j` for interface name;
C(name, *path) its counter at path; M(name, mux) its row of mux id mux. Example: jget.py 'C("wwan3","verdict","pass","packets")'
"""
import json
import sys

j = json.load(sys.stdin)


def I(name):
    return next(i for i in j["interfaces"] if i["ifname"] == name)


def C(name, *path):
    v = I(name)["counters"]
    for p in path:
        v = v[p]
    return v


def M(name, mux):
    return next(m for m in I(name)["mux"] if m["mux_id"] == mux)


print(eval(sys.argv[1]))

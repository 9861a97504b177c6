"""Sums test counts over one meson test log (testlog.json).

Prints "PASSED FAILED". Counts come from doctest's summary line or, for the interop
scripts, from a line "[interop] checks: N | P passed | F failed". A suite whose output has
neither (a crash, another kind of test) counts as one test, passed or failed by its exit
status.
"""
import json
import re
import sys

SUMMARY = re.compile(
    r"\[(?:doctest\] test cases|interop\] checks):\s*(\d+) \|\s*(\d+) passed \|\s*(\d+) failed")

passed = failed = 0
with open(sys.argv[1], encoding="utf-8", errors="replace") as log:
    for line in log:
        line = line.strip()
        if not line:
            continue
        entry = json.loads(line)
        ok = entry.get("result") == "OK"
        found = SUMMARY.findall(entry.get("stdout", "") or "")
        if found:
            _, p, f = (int(x) for x in found[-1])
            passed += p
            failed += f
            if not ok and f == 0:
                failed += 1  # e.g. files left behind, a crash after the summary
        elif ok:
            passed += 1
        else:
            failed += 1
print(passed, failed)

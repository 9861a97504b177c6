#!/usr/bin/python3
"""Print h5mem/libhdf5 ratios from bench_chunked's Google Benchmark JSON output.

Usage:
  ./build-bench/bench/bench_chunked --benchmark_format=json --benchmark_out=chunked.json
  /usr/bin/python3 bench/ratios.py chunked.json          # or: ... | bench/ratios.py -
  /usr/bin/python3 bench/ratios.py --check chunked.json  # exit 1 if a target is missed

Benchmarks are named BM_<Case>/<variant>[/...]; variants: h5mem, h5mem_1thread, hdf5,
hdf5_cache64M, memcpy. For every case the h5mem time is compared with each other variant:
speedup = other_time / h5mem_time (higher is better for h5mem). Stdlib only.
"""
import json
import signal
import sys

UNIT_S = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}

# (case, h5mem variant, baseline variant) -> minimum speedup the project targets.
TARGETS = {
    ("Compressed_Write", "h5mem", "hdf5"): 4.0,
    ("Compressed_FullRead", "h5mem", "hdf5"): 6.0,
    ("Compressed_PlaneK", "h5mem", "hdf5"): 6.0,
    ("Compressed_Random8", "h5mem", "hdf5"): 100.0,
    ("Compressed_Random8", "h5mem", "hdf5_cache64M"): 3.0,
    ("Uncompressed_FullRead", "h5mem", "memcpy"): 0.8,
    ("Uncompressed_Random8", "h5mem", "hdf5"): 10.0,
    ("OpenReadChunk", "h5mem", "hdf5_core"): 100.0,
}
MEMORY_TARGET = 1.05  # h5mem bytes_held / storage_bytes right after writing


def load(path):
    with (sys.stdin if path == "-" else open(path)) as f:
        text = f.read()
    # --benchmark_out files are pure JSON; stdout captures may have log lines before it.
    return json.loads(text[text.index("{"):])


def collect(doc):
    """Returns {case: {variant: {"time_s": float, "counters": dict}}}."""
    out = {}
    for b in doc.get("benchmarks", []):
        if b.get("error_occurred"):
            continue
        if b.get("run_type") == "aggregate" and b.get("aggregate_name") != "median":
            continue
        parts = b.get("run_name", b["name"]).split("/")
        if len(parts) < 2:
            continue
        case = parts[0][3:] if parts[0].startswith("BM_") else parts[0]
        t = b["real_time"] * UNIT_S[b.get("time_unit", "ns")]
        counters = {k: v for k, v in b.items() if isinstance(v, (int, float))}
        out.setdefault(case, {})[parts[1]] = {"time_s": t, "counters": counters}
    return out


def fmt_time(s):
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6), ("ns", 1e-9)):
        if s >= scale:
            return "%.4g %s" % (s / scale, unit)
    return "%.3g ns" % (s / 1e-9)


def main(argv):
    check = "--check" in argv
    paths = [a for a in argv[1:] if a != "--check"]
    if len(paths) != 1:
        sys.stderr.write(__doc__)
        return 2
    cases = collect(load(paths[0]))
    rows, missed = [], []
    for case in sorted(cases):
        variants = cases[case]
        for mine in ("h5mem", "h5mem_1thread"):
            if mine not in variants:
                continue
            for other in sorted(variants):
                if other.startswith("h5mem") or case.endswith("_Memory"):
                    continue
                ratio = variants[other]["time_s"] / variants[mine]["time_s"]
                target = TARGETS.get((case, mine, other))
                verdict = ""
                if target is not None:
                    verdict = "ok" if ratio >= target else "MISSED"
                    if ratio < target:
                        missed.append("%s %s vs %s" % (case, mine, other))
                rows.append((case, "%s vs %s" % (mine, other), fmt_time(variants[mine]["time_s"]),
                             fmt_time(variants[other]["time_s"]), "%.2fx" % ratio,
                             (">= %gx" % target) if target is not None else "", verdict))
    if not rows:
        print("no h5mem/baseline pairs in the input")
    headers = ("case", "comparison", "h5mem", "baseline", "speedup", "target", "")
    widths = [max(len(str(r[i])) for r in rows + [headers]) for i in range(len(headers))]
    print("speedup = baseline time / h5mem time (real time; higher is better)")
    for r in [headers] + rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())

    mem = cases.get("Compressed_Memory", {})
    if mem:
        print("\nmemory (compressed dataset): held / stored bytes")
        for v in sorted(mem):
            c = mem[v]["counters"]
            line = "  %-6s stored %8.2f MiB  held %8.2f MiB  held/stored %.3f  ratio %.2f" % (
                v, c.get("stored_MiB", 0), c.get("held_MiB", 0), c.get("held_over_stored", 0),
                c.get("ratio", 0))
            if "heap_over_stored" in c:
                line += "  heap/stored %.3f" % c["heap_over_stored"]
            if "cache_used_MiB" in c:
                line += "  (+%.1f MiB decoded-chunk cache after a full read)" % c["cache_used_MiB"]
            if v == "h5mem":
                ok = c.get("held_over_stored", 99) <= MEMORY_TARGET
                line += "  target <= %.2f %s" % (MEMORY_TARGET, "ok" if ok else "MISSED")
                if not ok:
                    missed.append("Compressed_Memory held/stored")
            print(line)
    if missed:
        print("\nmissed targets: " + "; ".join(missed))
    return 1 if (check and missed) else 0


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quiet when piped into head
    sys.exit(main(sys.argv))

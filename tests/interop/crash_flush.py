#!/usr/bin/python3
"""Kills a process that flushes an h5mem file in a loop (SIGKILL at random moments) and
checks with h5py (libhdf5) that the file on disk is always a complete HDF5 file holding one
whole generation: the last one the child reported as flushed, or the one it was writing.

usage: crash_flush.py FLUSH_LOOP_EXE [TRIALS]
Prints "[interop] checks: N | P passed | F failed"; exits non-zero on any failure.
"""
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np


def last_reported(out):
    lines = [l for l in out.decode().split("\n") if l.strip()]
    return int(lines[-1]) if lines else 0


def check_file(path, confirmed):
    with h5py.File(path, "r") as f:
        k = int(f.attrs["k"])
        if k not in (confirmed, confirmed + 1):
            return f"generation {k} on disk, child had confirmed {confirmed}"
        expected = k * 1000003 + np.arange(f["raw"].shape[0], dtype=np.int64)
        for name in ("raw", "packed"):
            if not np.array_equal(f[name][...], expected):
                return f"{name} does not hold generation {k} entirely"
    return None


def main():
    exe = sys.argv[1]
    trials = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    rng = random.Random(20261129)
    work = tempfile.mkdtemp(prefix="h5mem-crash-")
    passed = failed = 0
    try:
        for t in range(trials):
            path = os.path.join(work, f"crash{t % 3}.h5")
            elements = rng.choice([1000, 50000, 300000])
            child = subprocess.Popen([exe, path, str(elements)], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
            # Wait for the first flush, then kill somewhere in the following ones.
            first = child.stdout.readline()
            if not first:
                err = child.stderr.read().decode()
                print(f"trial {t}: child exited early: {err}")
                failed += 1
                continue
            time.sleep(rng.uniform(0.0, 0.4))
            child.send_signal(signal.SIGKILL)
            out, _ = child.communicate()
            confirmed = max(int(first), last_reported(out))
            problem = check_file(path, confirmed)
            if problem:
                print(f"trial {t} ({elements} elements): {problem}")
                failed += 1
            else:
                passed += 1
            # Temporary files of the killed flush may remain (documented); clear them.
            for name in os.listdir(work):
                if ".tmp-" in name:
                    os.remove(os.path.join(work, name))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"[interop] checks: {passed + failed} | {passed} passed | {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

"""Named checks shared by the interop scripts: each records a pass or a failure, failures
print at once, and summary() prints the line .ci/count_tests.py reads."""

checks = []


def check(name, ok, detail=""):
    """Records check `name`; prints it with `detail` when it failed. Returns ok."""
    checks.append((name, bool(ok)))
    if not ok:
        print(f"FAIL {name} {detail}")
    return bool(ok)


def attempt(name, fn):
    """Runs fn(); an exception becomes a failed check `name`."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - any failure is a failed check
        check(name, False, f"{type(e).__name__}: {e}")


def summary():
    """Prints `[interop] checks: N | P passed | F failed`; returns the exit status (1 on any
    failure or when nothing was checked)."""
    passed = sum(ok for _, ok in checks)
    failed = len(checks) - passed
    print(f"[interop] checks: {len(checks)} | {passed} passed | {failed} failed")
    return 1 if failed or not checks else 0

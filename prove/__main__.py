"""`make prove` (`python -m prove [part ...]`): every proof, one line per figure, non-zero if any fails.

Parts, in order (all by default): static, schema, fuzz, load. Each runs in its own process (each sets
up Django on its own database) and prints `name  value  target  PASS|FAIL` lines; this driver passes
them through, counts the verdicts, and prints the total.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

from prove.common import REPORT_DIR, ROOT, line, note, production_env, python

PARTS = ("static", "schema", "fuzz", "load")
TIMEOUTS_S = {"static": 300, "schema": 300, "fuzz": 900, "load": 1800}
TOTAL_TARGET_S = 20 * 60


def stream(args: list[str], *, env: dict[str, str], timeout: float, name: str) -> tuple[int, int]:
    """Run a part, echo its output, and return (PASS lines, FAIL lines); a crash is one FAIL."""
    passed = failed = 0
    log = REPORT_DIR / f"{name}.stderr.log"
    with open(log, "w") as err:
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=err, text=True)  # noqa: S603
        deadline = time.monotonic() + timeout
        assert proc.stdout is not None
        for row in proc.stdout:
            print(row, end="", flush=True)
            stripped = row.rstrip()
            passed += stripped.endswith(" PASS")
            failed += stripped.endswith(" FAIL")
            if time.monotonic() > deadline:
                break
        try:
            proc.wait(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            line(f"{name} finished in time", "no", f"< {timeout:.0f} s", False)
            return passed, failed + 1
    if proc.returncode != 0 and failed == 0:
        line(f"{name} ran to the end", f"exit {proc.returncode}", "exit 0", False)
        note(f"{name}: last lines of {log}:\n" + "\n".join(log.read_text().splitlines()[-25:]))
        failed += 1
    return passed, failed


def collectstatic(env: dict[str, str]) -> bool:
    """Collect static files with the production storage; fall back to the source-map-tolerant one."""
    args = [python(), "manage.py", "collectstatic", "--noinput", "--clear", "-v0"]
    first = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    rows = [row.strip() for row in first.stderr.splitlines() if row.strip()]
    message = next((row for row in rows if "could not be found" in row), rows[-1] if rows else "")
    ok = first.returncode == 0
    line("collectstatic with the production storage", "ok" if ok else "failed", "ok", ok)
    if not ok:
        note(f"collectstatic: {message}")
        env["PROVE_STATIC_SOURCEMAP_WORKAROUND"] = "1"
        again = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)  # noqa: S603
        if again.returncode != 0:
            note("collectstatic failed again without source-map rewriting:\n" + again.stderr[-2000:])
            return False
        note("collectstatic: measured the rest with source-map rewriting off (prove/storage.py)")
    return True


def main(argv: list[str]) -> int:
    started = time.monotonic()
    parts = [p for p in argv if p in PARTS] or list(PARTS)
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    passed = failed = 0
    with tempfile.TemporaryDirectory(prefix="prove-static-") as static_root:
        env = production_env(PROVE_STATIC_ROOT=static_root)
        note(f"make prove: {', '.join(parts)}; details in {REPORT_DIR}")
        if {"static", "fuzz", "load"} & set(parts):
            ok = collectstatic(env)
            passed, failed = passed + ok, failed + (not ok)
        for part in parts:
            print(flush=True)
            if part == "schema":
                args = [python(), "-m", "prove.schema_tests"]
            else:
                args = [python(), "-m", f"prove.{part}"]
            p, f = stream(args, env=env, timeout=TIMEOUTS_S[part], name=part)
            passed, failed = passed + p, failed + f
    print(flush=True)
    elapsed = time.monotonic() - started
    ok = elapsed < TOTAL_TARGET_S
    line("make prove wall time (s)", f"{elapsed:.0f}", f"< {TOTAL_TARGET_S}", ok)
    passed, failed = passed + ok, failed + (not ok)
    line("make prove figures passed", f"{passed}/{passed + failed}", "all", failed == 0)
    return 1 if failed else 0


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main(sys.argv[1:]))

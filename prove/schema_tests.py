"""The API schema tests (tests/test_api_schema.py), run with the test settings, as one figure."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from prove.common import ROOT, exit_code, line, note, python

TESTS = "tests/test_api_schema.py"


def run() -> int:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "marketplace.settings.test"}
    env.pop("DATABASE_URL", None)
    out = subprocess.run(  # noqa: S603 - our own test file
        [python(), "-m", "pytest", TESTS, "-q"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    summary = (out.stdout.strip().splitlines() or [""])[-1]
    counts = {kind: int(n) for n, kind in re.findall(r"(\d+) (passed|failed|error|errors)", summary)}
    passed = counts.get("passed", 0)
    total = passed + counts.get("failed", 0) + counts.get("error", 0) + counts.get("errors", 0)
    line(
        "api schema: valid OpenAPI 3, every /api/v1/ URL",
        f"{passed}/{total} tests",
        "all pass",
        out.returncode == 0,
    )
    if out.returncode != 0:
        note(out.stdout[-4000:])
    return exit_code()


if __name__ == "__main__":
    sys.exit(run())

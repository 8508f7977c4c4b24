"""Static security: bandit over the project packages, and Django's deployment checklist.

- `bandit -r` over the project's packages (tests and migrations excluded): findings per severity;
  the target is no high-severity finding. Every finding is listed in var/prove/bandit.txt.
- `manage.py check --deploy --fail-level WARNING` with the production settings (a random SECRET_KEY,
  ALLOWED_HOSTS=counsel.example, as `make check-deploy`), twice: as on a fresh clone (CI: nothing
  collected yet) and after `collectstatic` (as deployed). The target is no issue either way.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

from prove.common import REPORT_DIR, ROOT, exit_code, line, note, python

PACKAGES = ["accounts", "jurisdictions", "lawyers", "engagements", "notifications", "marketplace"]
EXCLUDED = "*/migrations/*,*/tests/*,*/test_*.py"


def bandit() -> None:
    executable = str(Path(python()).with_name("bandit"))
    out = subprocess.run(  # noqa: S603 - our own tool, fixed arguments
        [executable, "-r", *PACKAGES, "-x", EXCLUDED, "-f", "json", "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        report = json.loads(out.stdout)
    except json.JSONDecodeError:
        line("bandit ran", "no", "yes", False)
        note(out.stderr[-2000:])
        return
    counts = {"HIGH": 0, "MEDIUM": 0, "LOW": 0}
    rows = []
    for r in report["results"]:
        counts[r["issue_severity"]] = counts.get(r["issue_severity"], 0) + 1
        rows.append(
            f"{r['issue_severity']:<6} {r['issue_confidence']:<6} {r['test_id']} "
            f"{r['filename']}:{r['line_number']}  {r['issue_text']}"
        )
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    (REPORT_DIR / "bandit.txt").write_text("\n".join(sorted(rows)) + "\n")
    files = len(report.get("metrics", {})) - 1
    line(
        "bandit findings high / medium / low",
        f"{counts['HIGH']} / {counts['MEDIUM']} / {counts['LOW']}",
        "high = 0",
        counts["HIGH"] == 0,
    )
    line(
        "bandit files scanned, parse errors",
        f"{files}, {len(report['errors'])}",
        "0 errors",
        not report["errors"],
    )
    note(f"bandit: every finding in {REPORT_DIR / 'bandit.txt'}")


def check_deploy(label: str, static_root: str) -> None:
    """`check --deploy --fail-level WARNING` on the production settings, with `static_root` as the
    static root (`prove.settings` differs from production only there and in one extra URL)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "prove.settings",
        "PROVE_STATIC_ROOT": static_root,
        "SECRET_KEY": "prove-" + secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "counsel.example",
    }
    for key in ("SECURE_SSL_REDIRECT", "DEBUG", "PROVE_STATIC_SOURCEMAP_WORKAROUND"):
        env.pop(key, None)
    out = subprocess.run(  # noqa: S603 - our own manage.py
        [python(), "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    text = out.stdout + out.stderr
    found = re.search(r"System check identified (\d+) issue", text)
    if found:
        value: object = int(found.group(1))
    elif "no issues" in text:
        value = 0
    else:
        value = "crashed"
    line(f"check --deploy {label}", value, "0 issues", value == 0 and out.returncode == 0)
    if value != 0:
        last = [row for row in text.strip().splitlines() if row.strip()][-1:]
        note(f"check --deploy {label}: {last[0] if last else out.returncode}")


def run() -> int:
    bandit()
    with tempfile.TemporaryDirectory() as empty:
        check_deploy("(fresh clone, as CI)", empty)
    collected = os.environ.get("PROVE_STATIC_ROOT")
    if collected:
        check_deploy("(after collectstatic)", collected)
    return exit_code()


if __name__ == "__main__":
    sys.exit(run())

"""What every proof part shares: the figure line, percentiles, databases and the environment.

A figure line is `name  value  target  PASS|FAIL`; `python -m prove` counts the verdicts of every
part's lines and exits non-zero when any is FAIL. Anything else a part prints starts with `#`.
"""

from __future__ import annotations

import math
import os
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT_DIR = Path(os.environ.get("PROVE_REPORT_DIR", ROOT / "var" / "prove"))
failures: list[str] = []


def line(name: str, value: object, target: str, ok: bool) -> None:
    """Print one figure with its target and verdict."""
    if not ok:
        failures.append(name)
    print(f"{name:<46} {value!s:>14}  {target:<26} {'PASS' if ok else 'FAIL'}", flush=True)


def figure(name: str, value: object) -> None:
    """Print a figure that has no target (shown for comparison, never a verdict)."""
    print(f"{name:<46} {value!s:>14}  {'(no target)':<26}", flush=True)


def note(text: str) -> None:
    """A comment between the figures (progress, where the details are)."""
    for row in text.splitlines() or [""]:
        print(f"# {row}", flush=True)


def exit_code() -> int:
    return 1 if failures else 0


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of `values`; 0 when empty."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


def production_env(**extra: str) -> dict[str, str]:
    """The environment for the production settings on plain HTTP at 127.0.0.1, plus `extra`.

    `prove.settings` is `marketplace.settings.production` with only the static root (a temporary
    collectstatic) and the URLconf (one extra route, `/prove/bare`) changed. No broker: jobs run
    in-process unless `extra` sets one.
    """
    env = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "CELERY_BROKER_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="prove.settings",
        SECRET_KEY=os.environ.get("PROVE_SECRET_KEY") or "prove-" + secrets.token_urlsafe(60),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="False",
        DEBUG="False",
        EMAIL_URL="dummymail://",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def python() -> str:
    return sys.executable

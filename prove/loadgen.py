"""The load generator: locust as a library, headless, in its own process (gevent patches the world).

`python -m prove.loadgen PLAN OUT` reads the plan written by `prove.load` (the host, each role's
session cookie and token, each role's endpoints with their paths and weights), then runs phases:

  main      20 users of four roles (client, lawyer, staff, public) with think time, 60 s: latency,
  bare      20 users, no think time, on `/prove/bare`: the floor's throughput,
  ours      20 users, no think time, on the main mix: our throughput at saturation.

Every response is recorded (time, name, ok) and written to OUT as JSON for `prove.load` to report.
Only 127.0.0.1 is ever targeted; each phase stops itself after its duration.
"""

from __future__ import annotations

import json
import random
import sys
import time
from typing import Any
from urllib.parse import urlparse

from gevent import monkey

monkey.patch_all()

import gevent  # noqa: E402
from locust import FastHttpUser, between, constant, events, task  # noqa: E402
from locust.env import Environment  # noqa: E402

ROLE_USERS = {"client": 7, "lawyer": 6, "staff": 3, "public": 4}  # 20 in all


def user_class(role: str, plan: dict[str, Any], wait: Any, count: int, *, bare: bool = False) -> type:
    persona = plan["personas"].get(role, {})
    endpoints = [] if bare else plan["endpoints"][role]
    weights = [e["weight"] for e in endpoints]
    cookie = f"{plan['session_cookie_name']}={persona['session']}" if persona.get("session") else ""
    token = persona.get("token", "")

    class RoleUser(FastHttpUser):
        host = plan["host"]
        wait_time = wait
        fixed_count = count

        @task
        def visit(self) -> None:
            if bare:
                self._get("/prove/bare", "bare /prove/bare", {})
                return
            endpoint = random.choices(endpoints, weights=weights)[0]
            headers: dict[str, str] = {}
            if endpoint["kind"] == "page" and cookie:
                headers["Cookie"] = cookie
            if endpoint["kind"] == "api":
                headers["Accept"] = "application/json"
                if token:
                    headers["Authorization"] = f"Token {token}"
            path = random.choice(endpoint["paths"])
            self._get(path, f"{endpoint['kind']} {role} {endpoint['label']}", headers)

        def _get(self, path: str, name: str, headers: dict[str, str]) -> None:
            with self.client.get(
                path, name=name, headers=headers, allow_redirects=False, catch_response=True
            ) as response:
                if response.status_code != 200:
                    response.failure(f"{response.status_code} on {path}")

    RoleUser.__name__ = f"{role.title()}User"
    return RoleUser


def run_phase(classes: list[type], seconds: float, *, ramp_per_s: float) -> float:
    env = Environment(user_classes=classes, events=events)
    runner = env.create_local_runner()
    started = time.monotonic()
    users = sum(cls.fixed_count for cls in classes)
    runner.start(users, spawn_rate=ramp_per_s)
    gevent.spawn_later(seconds, runner.quit)
    runner.greenlet.join()
    return time.monotonic() - started


def main(plan_path: str, out_path: str) -> int:
    with open(plan_path) as f:
        plan = json.load(f)
    if urlparse(plan["host"]).hostname != "127.0.0.1":
        print("the load generator only targets 127.0.0.1", file=sys.stderr)
        return 2
    users = int(plan["users"])
    low, high = plan["think_time_s"]
    phases: dict[str, dict[str, Any]] = {}
    current: list[list[Any]] = []

    @events.request.add_listener
    def record(name: str, response_time: float, exception: Any = None, **kwargs: Any) -> None:
        current.append([name, response_time, exception is None])

    def counts(total: int) -> dict[str, int]:
        scale = total / sum(ROLE_USERS.values())
        return {role: max(1, round(n * scale)) for role, n in ROLE_USERS.items()}

    mix = counts(users)
    schedule = [
        ("main", [user_class(r, plan, between(low, high), n) for r, n in mix.items()], plan["main_s"], 5),
        ("bare", [user_class("public", plan, constant(0), users, bare=True)], plan["saturation_s"], users),
        ("ours", [user_class(r, plan, constant(0), n) for r, n in mix.items()], plan["saturation_s"], users),
    ]
    for name, classes, seconds, ramp in schedule:
        current.clear()
        elapsed = run_phase(classes, seconds, ramp_per_s=ramp)
        phases[name] = {"seconds": elapsed, "samples": list(current)}
        print(f"# load: phase {name}: {len(current)} requests in {elapsed:.0f} s", flush=True)
    with open(out_path, "w") as f:
        json.dump(phases, f)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))

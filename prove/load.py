"""Load: gunicorn with the production settings on the 100,000-lawyer network, driven by locust.

1. The network: `PROVE_LOAD_DATABASE_URL` (default: `counsel_bench`, the database `make bench` seeds)
   is migrated and topped up to `seed_demo --lawyers 100000 --seed 1` (a no-op when already there),
   then to 1,000 `[prove]` matters through the services (every 20th posted and matched) and pending
   offers to one shortlisted lawyer. Idempotent: a second run only checks.
2. The personas: the demo client owner, that lawyer and the demo staff member each get a session
   (made server-side, sent as a cookie by hand: production cookies are `Secure` and the harness speaks
   plain HTTP to 127.0.0.1) and an API token.
3. gunicorn (`marketplace.wsgi`, `prove.settings`: production plus `/prove/bare`) on a free port of
   127.0.0.1 with PROVE_WEB_WORKERS sync workers (3, as in the Dockerfile), Redis as cache and broker.
4. `prove.loadgen` (locust) runs the phases; this script prints requests/s, p50/p95/p99 and errors
   per group (pages and API reads, per role), the bare view's throughput and ours/bare.
"""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench.createdb import database_create
from prove.common import REPORT_DIR, ROOT, exit_code, figure, line, note, pct, python

DATABASE_URL = os.environ.get("PROVE_LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/counsel_bench")
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prove.settings")

LAWYERS = int(os.environ.get("PROVE_LOAD_LAWYERS", "100000"))
MATTERS = int(os.environ.get("PROVE_LOAD_MATTERS", "1000"))
POST_EVERY = int(os.environ.get("PROVE_LOAD_POST_EVERY", "20"))
OFFERS = int(os.environ.get("PROVE_LOAD_OFFERS", "20"))
USERS = int(os.environ.get("PROVE_LOAD_USERS", "20"))
MAIN_S = float(os.environ.get("PROVE_LOAD_SECONDS", "60"))
SATURATION_S = float(os.environ.get("PROVE_LOAD_SATURATION_SECONDS", "15"))
THINK_S = tuple(float(x) for x in os.environ.get("PROVE_LOAD_THINK_S", "0.5,1.5").split(","))
WORKERS = int(os.environ.get("PROVE_WEB_WORKERS", "3"))
REDIS_URL = os.environ.get("PROVE_LOAD_REDIS_URL", "redis://127.0.0.1:6379/15")
P95_PAGES_MS = 150.0
P95_API_MS = 100.0


def prepare() -> dict[str, Any]:
    """Seed (idempotently) and return the load plan: personas and endpoints, by role."""
    database_create(DATABASE_URL)
    import django

    django.setup()
    from django.core.management import call_command

    from prove import seed

    call_command("migrate", verbosity=0, interactive=False)
    note(f"load: network in {DATABASE_URL.rsplit('/', 1)[-1]}: seed_demo --lawyers {LAWYERS} --seed 1")
    call_command("seed_demo", lawyers=LAWYERS, seed=1, no_progress=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
    started = time.monotonic()
    seeded = seed.matters_ensure(count=MATTERS, post_every=POST_EVERY, offers=OFFERS, progress=True)
    note(
        f"load: {seeded.matters} [prove] matters ({seeded.created} created in "
        f"{time.monotonic() - started:.0f} s), {seeded.offers} offers to the lawyer persona"
    )
    return plan_build(lawyer_email=seed.offer_lawyer_email())


def _session(user: Any) -> str:
    """A logged-in session for `user`, as `login()` would store it."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.set_expiry(24 * 3600)
    store.create()
    return store.session_key


def plan_build(*, lawyer_email: str) -> dict[str, Any]:
    from django.conf import settings
    from django.urls import Resolver404, resolve
    from rest_framework.authtoken.models import Token

    from accounts.models import User
    from engagements.models import Matter
    from lawyers.models import LawyerProfile
    from prove.seed import PREFIX

    rnd = random.Random(1)
    users = {
        "client": User.objects.get(email="client@demo.test"),
        "lawyer": User.objects.get(email=lawyer_email),
        "staff": User.objects.get(email="staff@demo.test"),
    }
    personas = {
        role: {"email": u.email, "session": _session(u), "token": Token.objects.get_or_create(user=u)[0].key}
        for role, u in users.items()
    }
    acme = Matter.objects.filter(title__startswith=PREFIX, organisation__memberships__user=users["client"])
    matters = list(acme.order_by("pk").values_list("pk", flat=True))
    open_matters = list(acme.filter(status=Matter.Status.OPEN).order_by("pk").values_list("pk", flat=True))
    all_matters = list(Matter.objects.filter(title__startswith=PREFIX).values_list("pk", flat=True))
    profile_ids = list(
        LawyerProfile.objects.filter(status=LawyerProfile.Status.VETTED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    lawyer_profile = LawyerProfile.objects.get(user=users["lawyer"])
    offers: list[int] = []
    try:
        from engagements.models import Offer

        offers = list(Offer.objects.filter(lawyer=lawyer_profile).order_by("pk").values_list("pk", flat=True))
    except ImportError:
        pass
    sample = lambda ids, n=50: sorted(rnd.sample(ids, min(n, len(ids)))) if ids else []  # noqa: E731
    m, om, am, lp, of = (
        sample(matters),
        sample(open_matters),
        sample(all_matters),
        sample(profile_ids, 200),
        offers,
    )

    # (kind, label, paths, weight): pages are browser visits (session cookie), api are token reads.
    wanted: dict[str, list[tuple[str, str, list[str], int]]] = {
        "client": [
            ("page", "home", ["/"], 1),
            ("page", "dashboard", ["/dashboard/"], 2),
            ("page", "SLA", ["/sla/"], 1),
            ("page", "matter list", ["/matters/", "/matters/?status=open"], 3),
            ("page", "matter detail", [f"/matters/{pk}/" for pk in m], 4),
            ("page", "matter matching (htmx poll)", [f"/matters/{pk}/matching/" for pk in om], 2),
            ("page", "organisation", ["/accounts/organisation/"], 1),
            ("page", "notifications", ["/notifications/"], 1),
            ("api", "matters", ["/api/v1/matters/", "/api/v1/matters/?status=open"], 3),
            ("api", "matter", [f"/api/v1/matters/{pk}/" for pk in m], 3),
            ("api", "matter latest run", [f"/api/v1/matters/{pk}/runs/latest/" for pk in om], 2),
            ("api", "matter offers", [f"/api/v1/matters/{pk}/offers/" for pk in om], 1),
            ("api", "notifications unread", ["/api/v1/notifications/unread-count/"], 1),
        ],
        "lawyer": [
            ("page", "my profile", [f"/lawyers/{lawyer_profile.pk}/"], 2),
            ("page", "offer inbox", ["/offers/"], 3),
            ("page", "offer detail", [f"/offers/{pk}/" for pk in of], 2),
            ("page", "engagements", ["/engagements/"], 1),
            ("page", "notifications", ["/notifications/"], 1),
            ("api", "offers", ["/api/v1/offers/"], 3),
            ("api", "offer", [f"/api/v1/offers/{pk}/" for pk in of], 2),
            ("api", "notifications", ["/api/v1/notifications/", "/api/v1/notifications/?unread=true"], 2),
            ("api", "my lawyer profile", ["/api/v1/me/lawyer-profile/"], 1),
        ],
        "staff": [
            ("page", "admin index", ["/admin/"], 1),
            ("page", "staff dashboard", ["/staff/dashboard/"], 2),
            (
                "page",
                "admin lawyers",
                ["/admin/lawyers/lawyerprofile/", "/admin/lawyers/lawyerprofile/?status__exact=in_review"],
                3,
            ),
            ("page", "admin matters", ["/admin/engagements/matter/"], 2),
            ("page", "admin offers", ["/admin/engagements/offer/"], 1),
            ("page", "lawyer profile", [f"/lawyers/{pk}/" for pk in lp], 2),
            ("page", "matter detail", [f"/matters/{pk}/" for pk in am], 1),
            (
                "api",
                "lawyers",
                ["/api/v1/lawyers/", "/api/v1/lawyers/?jurisdiction=US-NY&practice_area=m-and-a"],
                3,
            ),
            ("api", "lawyer", [f"/api/v1/lawyers/{pk}/" for pk in lp], 2),
            ("api", "matters", ["/api/v1/matters/"], 1),
        ],
        "public": [
            ("page", "home", ["/"], 1),
            ("page", "jurisdictions", ["/jurisdictions/"], 2),
            (
                "page",
                "jurisdiction",
                ["/jurisdictions/US-NY/", "/jurisdictions/GB-ENG/", "/jurisdictions/SG/"],
                1,
            ),
            ("page", "practice areas", ["/jurisdictions/practice-areas/"], 1),
            ("api", "jurisdictions", ["/api/v1/jurisdictions/?active=true", "/api/v1/jurisdictions/"], 2),
            ("api", "jurisdiction", ["/api/v1/jurisdictions/US-NY/", "/api/v1/jurisdictions/DE/"], 1),
            ("api", "practice areas", ["/api/v1/practice-areas/"], 1),
        ],
    }
    endpoints: dict[str, list[dict[str, Any]]] = {}
    for role, rows in wanted.items():
        endpoints[role] = []
        for kind, label, paths, weight in rows:
            if not paths:
                note(f"load: skipped {kind} {role} {label}: no objects to visit")
                continue
            try:
                resolve(paths[0].split("?")[0])
            except Resolver404:
                note(f"load: skipped {kind} {role} {label}: {paths[0]} is not in this checkout")
                continue
            endpoints[role].append({"kind": kind, "label": label, "paths": paths, "weight": weight})
    return {
        "personas": personas,
        "endpoints": endpoints,
        "session_cookie_name": settings.SESSION_COOKIE_NAME,
        "users": USERS,
        "think_time_s": list(THINK_S),
        "main_s": MAIN_S,
        "saturation_s": SATURATION_S,
    }


def profile_alone(plan: dict[str, Any]) -> dict[str, tuple[float, int]]:
    """Each endpoint's first path, requested alone in-process (best of 3): server time and queries.

    Not a figure: it tells queueing (the load's tail) from the cost of the request itself.
    """
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    alone: dict[str, tuple[float, int]] = {}
    for role, rows in plan["endpoints"].items():
        persona = plan["personas"].get(role, {})
        client = Client()
        if persona.get("session"):
            client.cookies[settings.SESSION_COOKIE_NAME] = persona["session"]
        for endpoint in rows:
            headers = {"HTTP_HOST": "127.0.0.1"}
            if endpoint["kind"] == "api" and persona.get("token"):
                headers["HTTP_AUTHORIZATION"] = f"Token {persona['token']}"
            best, queries = float("inf"), 0
            for _ in range(3):
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    client.get(endpoint["paths"][0], **headers)
                    best = min(best, (time.perf_counter() - started) * 1000)
                queries = len(captured)
            alone[f"{endpoint['kind']} {role} {endpoint['label']}"] = (best, queries)
    return alone


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, headers: dict[str, str] | None = None) -> int:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - our own 127.0.0.1 server
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


class Gunicorn:
    """gunicorn serving the project on a free port of 127.0.0.1; stopped (only it) on exit."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(log, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
            [
                str(Path(python()).with_name("gunicorn")),
                "marketplace.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(WORKERS),
                "--timeout",
                "60",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 60) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            if _get(f"{self.url}/healthz") == 200:
                return True
            time.sleep(0.3)
        return False

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def report(phases: dict[str, Any], alone: dict[str, tuple[float, int]]) -> None:
    main = phases["main"]
    seconds = main["seconds"]
    groups: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    endpoints: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    for name, ms, ok in main["samples"]:
        kind, role, _label = name.split(" ", 2)
        groups[f"{kind}s (all roles)"].append((ms, ok))
        groups[f"{kind}s {role}"].append((ms, ok))
        endpoints[name].append((ms, ok))

    def row(name: str, values: list[tuple[float, bool]], *, verdict: bool, extra: str = "") -> None:
        times = [ms for ms, _ in values]
        errors = sum(1 for _, ok in values if not ok)
        limit = P95_PAGES_MS if name.startswith("page") else P95_API_MS
        p95 = pct(times, 95)
        figures = (
            f"{len(values) / seconds:>6.1f}/s {pct(times, 50):>5.0f} {p95:>5.0f} {pct(times, 99):>5.0f} ms"
            f" {errors:>4} err"
        )
        if verdict:
            line(f"load {name}", figures, f"p95 ≤ {limit:.0f} ms, 0 errors", p95 <= limit and errors == 0)
        else:
            print(f"  {name:<44} {figures}{extra}", flush=True)

    note(
        f"load main phase: {USERS} users, think {THINK_S[0]}-{THINK_S[1]} s, {seconds:.0f} s, "
        f"{len(main['samples'])} requests; columns: req/s p50 p95 p99, errors"
    )
    order = ["pages (all roles)", "apis (all roles)", *sorted(g for g in groups if "(all roles)" not in g)]
    for name in order:
        if name in groups:
            row(name.replace("apis", "api reads").replace("pages", "pages"), groups[name], verdict=True)
    total_errors = sum(1 for _, _, ok in main["samples"] if not ok)
    line("load main phase: errors", total_errors, "0", total_errors == 0)
    note("load per endpoint (detail; targets apply to the groups above). alone: one request in-process")
    for name in sorted(endpoints):
        ms, queries = alone.get(name, (float("nan"), 0))
        row(name, endpoints[name], verdict=False, extra=f"   alone {ms:5.0f} ms {queries:3d} queries")

    bare, ours = phases["bare"], phases["ours"]
    bare_rps = sum(1 for s in bare["samples"] if s[2]) / bare["seconds"]
    ours_rps = sum(1 for s in ours["samples"] if s[2]) / ours["seconds"]
    bare_errors = sum(1 for s in bare["samples"] if not s[2])
    ours_errors = sum(1 for s in ours["samples"] if not s[2])
    note(f"load saturation: {USERS} users, no think time, {SATURATION_S:.0f} s each")
    line(
        "load bare view /prove/bare throughput",
        f"{bare_rps:.0f} req/s",
        f"0 errors (had {bare_errors})",
        bare_errors == 0,
    )
    line(
        "load our mix throughput (saturated)",
        f"{ours_rps:.0f} req/s",
        f"0 errors (had {ours_errors})",
        ours_errors == 0,
    )
    ratio = ours_rps / bare_rps if bare_rps else 0.0
    # The issue asks for the bare view's throughput and the ratio, with no target for the ratio.
    figure("load throughput ratio ours/bare", f"{ratio:.2f}")


def run() -> int:
    static_root = os.environ.get("PROVE_STATIC_ROOT")
    if not static_root:
        print("PROVE_STATIC_ROOT is not set: run `python -m prove` (it collects static files first)")
        return 2
    plan = prepare()
    alone = profile_alone(plan)
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    from django.db import connections

    connections.close_all()
    env = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "CELERY_QUEUE": "prove-load",  # no worker consumes it; page views should enqueue nothing anyway
        "WEB_CONCURRENCY": str(WORKERS),
    }
    load1 = os.getloadavg()[0]
    server = Gunicorn(env, REPORT_DIR / "gunicorn.log")
    try:
        if not server.wait_ready():
            line("load gunicorn ready on 127.0.0.1", "no", "yes", False)
            note(f"load: see {REPORT_DIR / 'gunicorn.log'}")
            return exit_code()
        plan["host"] = server.url
        bad = _preflight(plan)
        note(
            f"load: gunicorn {WORKERS} workers at {server.url}; machine load average before: {load1:.1f} "
            f"on {os.cpu_count()} cores; preflight non-200: {bad or 'none'}"
        )
        with tempfile.TemporaryDirectory() as tmp:
            plan_path, out_path = Path(tmp) / "plan.json", Path(tmp) / "out.json"
            plan_path.write_text(json.dumps(plan))
            budget = MAIN_S + 2 * SATURATION_S + 120
            with open(REPORT_DIR / "locust.log", "w") as locust_log:
                subprocess.run(  # noqa: S603 - our own module
                    [python(), "-m", "prove.loadgen", str(plan_path), str(out_path)],
                    cwd=ROOT,
                    check=True,
                    timeout=budget,
                    stderr=locust_log,
                )
            phases = json.loads(out_path.read_text())
    finally:
        server.stop()
    (REPORT_DIR / "load-samples.json").write_text(json.dumps(phases))
    report(phases, alone)
    return exit_code()


def _preflight(plan: dict[str, Any]) -> list[str]:
    """One GET of each endpoint's first path as its role; the non-200 ones (they will show as errors)."""
    bad = []
    for role, rows in plan["endpoints"].items():
        persona = plan["personas"].get(role, {})
        for endpoint in rows:
            headers = {}
            if endpoint["kind"] == "page" and persona.get("session"):
                headers["Cookie"] = f"{plan['session_cookie_name']}={persona['session']}"
            if endpoint["kind"] == "api" and persona.get("token"):
                headers["Authorization"] = f"Token {persona['token']}"
            status = _get(plan["host"] + endpoint["paths"][0], headers)
            if status != 200:
                bad.append(f"{role} {endpoint['paths'][0]} → {status}")
    return bad


if __name__ == "__main__":
    sys.exit(run())

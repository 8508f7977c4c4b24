"""Shared fixtures: personas (client owner, colleague, outsider, lawyer, staff) and test switches."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests import factories


def pytest_collection_modifyitems(config, items):  # type: ignore[no-untyped-def]
    """Browser and worker tests skip when their machinery is missing, unless CI requires them."""
    chromium = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not shutil.which(chromium) and not os.environ.get("REQUIRE_BROWSER_TESTS"):
        skip = pytest.mark.skip(
            reason=f"no chromium at {chromium} (CI installs it and sets REQUIRE_BROWSER_TESTS=1)"
        )
        for item in items:
            if "browser" in item.keywords or "/browser/" in str(item.fspath):
                item.add_marker(skip)


@pytest.fixture(autouse=True)
def _reference_data(request):  # type: ignore[no-untyped-def]
    """Jurisdictions, practice areas and exchange rates, as `migrate` loads them.

    Transactional tests (live server, real worker) flush every table afterwards, so the next test
    that touches the database re-loads them: an idempotent loader, one query when already there.
    """
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        names & {"transactional_db", "live_server", "live_worker"}
    )
    if transactional:
        request.getfixturevalue("transactional_db")
    elif marker is not None or "db" in names:
        request.getfixturevalue("db")
    else:
        return
    try:
        from jurisdictions.services import reference_data_ensure
    except ImportError:  # the loader lands with the jurisdictions work
        return
    reference_data_ensure()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "uploads"


@pytest.fixture
def password() -> str:
    return "correct horse battery staple 42"


@pytest.fixture
def organisation():  # type: ignore[no-untyped-def]
    return factories.ClientOrganisationFactory(name="Acme Holdings")


@pytest.fixture
def client_owner(organisation):  # type: ignore[no-untyped-def]
    return factories.ClientMemberFactory(organisation=organisation, role="owner", email="owner@acme.test")


@pytest.fixture
def client_colleague(organisation):  # type: ignore[no-untyped-def]
    return factories.ClientMemberFactory(
        organisation=organisation, role="member", email="colleague@acme.test"
    )


@pytest.fixture
def client_outsider():  # type: ignore[no-untyped-def]
    other = factories.ClientOrganisationFactory(name="Globex Corporation")
    return factories.ClientMemberFactory(organisation=other, role="owner", email="outsider@globex.test")


@pytest.fixture
def lawyer_user():  # type: ignore[no-untyped-def]
    return factories.LawyerUserFactory(email="lawyer@counsel.test")


@pytest.fixture
def staff_user():  # type: ignore[no-untyped-def]
    return factories.StaffUserFactory(email="staff@counsel.test")


def _postgres_and_broker() -> tuple[bool, str]:
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return False, "needs DATABASE_URL pointing at PostgreSQL"
    if not (os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL")):
        return False, "needs REDIS_URL (or CELERY_BROKER_URL)"
    return True, ""


@pytest.fixture
def live_worker(transactional_db, settings):  # type: ignore[no-untyped-def]
    """A real `celery worker` process on Redis, using this test run's PostgreSQL database.

    Jobs enqueued by the code under test go through the broker to that process; the test then
    waits for their effects in the database. Skipped without PostgreSQL and Redis unless
    REQUIRE_WORKER_TESTS=1 (CI), where a missing service is a failure.
    """
    ok, why = _postgres_and_broker()
    if not ok:
        if os.environ.get("REQUIRE_WORKER_TESTS"):
            pytest.fail(f"worker tests are required but cannot run: {why}")
        pytest.skip(why)
    worker = WorkerProcess()
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()


class WorkerProcess:
    """Start, wait for, and stop a Celery worker subprocess on a queue of its own."""

    def __init__(
        self, concurrency: int = 1, *, queue: str | None = None, env: dict[str, str] | None = None
    ) -> None:
        import uuid

        self.queue = queue or f"test-{uuid.uuid4().hex[:12]}"
        self.name = f"{self.queue}-{uuid.uuid4().hex[:6]}"
        self.concurrency = concurrency
        self.extra_env = env or {}
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = Path(tempfile.gettempdir()) / f"celery-{self.name}.log"

    def environment(self) -> dict[str, str]:
        from django.conf import settings
        from django.db import connection

        db = connection.settings_dict
        host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
        url = f"postgres://{db['USER']}:{db['PASSWORD']}@{host}:{port}/{db['NAME']}"
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "marketplace.settings.test",
            "DATABASE_URL": url,
            "CELERY_QUEUE": self.queue,
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "WORKER_PROCESS": "1",
            **self.extra_env,
        }

    def start(self) -> None:
        from marketplace.celery import app

        self._saved = (app.conf.task_always_eager, app.conf.task_default_queue)
        app.conf.task_always_eager = False
        app.conf.task_default_queue = self.queue
        self.log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "marketplace",
                "worker",
                "--loglevel=INFO",
                f"--concurrency={self.concurrency}",
                "-Q",
                self.queue,
                "--without-gossip",
                "--without-mingle",
                "-n",
                f"{self.queue}@%h",
            ],
            env=self.environment(),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            cwd=Path(__file__).resolve().parent.parent,
            start_new_session=True,  # its own process group, so kill() takes the pool's children too
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"celery worker exited early:\n{self.log_path.read_text()[-4000:]}")
            if b"ready." in self.log_path.read_bytes():
                return
            time.sleep(0.2)
        raise RuntimeError(f"celery worker not ready in 60 s:\n{self.log_path.read_text()[-4000:]}")

    def stop(self) -> None:
        from marketplace.celery import app

        if self.proc and self.proc.poll() is None:
            # Cold shutdown: a warm one waits ~10 s on the broker; this queue dies with the test anyway.
            self.proc.send_signal(signal.SIGQUIT)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        app.conf.task_always_eager, app.conf.task_default_queue = self._saved

    def kill(self) -> None:
        """SIGKILL the worker and its pool processes at once: no warm shutdown, no acknowledgement."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.2, message: str = ""):  # type: ignore[no-untyped-def]
    """Poll `predicate` until it returns a truthy value; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(message or f"condition not met within {timeout} s")


def celery_pools_reset(app) -> None:  # type: ignore[no-untyped-def]
    """Drop pooled broker connections and producers, so the next publish uses the current broker_url.

    kombu keeps a process-wide registry of producer pools keyed by broker; it must be cleared too, or a
    later test switching back to the usual broker gets a pool closed here.
    """
    from kombu import pools

    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None
    pools.reset()


@pytest.fixture
def postgres() -> None:
    """Skip on SQLite (no row locks, one writer at a time); fail instead when REQUIRE_WORKER_TESTS is set
    (CI), like the real-worker tests."""
    from django.db import connection

    if connection.vendor != "postgresql":
        if os.environ.get("REQUIRE_WORKER_TESTS"):
            pytest.fail("the concurrency tests are required but the database is not PostgreSQL")
        pytest.skip("needs DATABASE_URL pointing at PostgreSQL (row locks)")


@pytest.fixture
def reference_cache(settings):  # type: ignore[no-untyped-def]
    """The reference-data cache on (off in the test settings: the database rolls back, the cache not),
    emptied before and after."""
    from django.core.cache import cache

    settings.REFERENCE_DATA_CACHE = True
    cache.clear()
    yield
    cache.clear()

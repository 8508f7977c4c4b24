"""Shared fixtures: personas (client owner, colleague, outsider, lawyer, staff) and test switches."""

import os
import shutil

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

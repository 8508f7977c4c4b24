"""A PostgreSQL connection dropped under a request gives a clean 503, and the next request succeeds."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)


def _drop_our_connection() -> None:
    """Have PostgreSQL terminate this process's session, as a failover or a restart would."""
    from django.db import connections

    victim = connection.cursor().connection.info.backend_pid
    with connections["default"].__class__(connection.settings_dict, alias="blipper").cursor() as other:
        other.execute("SELECT pg_terminate_backend(%s)", [victim])


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (pg_terminate_backend)")


@pytest.mark.parametrize(
    ("path", "kind"),
    [("/jurisdictions/", "page"), ("/matters/", "page"), ("/api/v1/matters/", "api")],
)
def test_dropped_connection_gives_a_clean_503_then_the_next_request_succeeds(
    postgres_only, client, client_owner, path, kind
):
    client.force_login(client_owner)
    assert client.get(path).status_code == 200

    _drop_our_connection()
    client.raise_request_exception = False
    response = client.get(path)

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    if kind == "api":
        assert "briefly unavailable" in response.json()["detail"]
    else:
        assert b"briefly unavailable" in response.content
        assert b"Traceback" not in response.content
    # the broken connection was closed: the next request opens a new one and works
    assert client.get(path).status_code == 200

"""The public reference pages and API answers come from the cache, and never outlive a staff edit."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DBSessionStore
from django.core.cache import cache
from django.urls import reverse

from jurisdictions.models import Jurisdiction, PracticeArea
from jurisdictions.services import reference_data_load

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_cache")]

LIST_URL = reverse("jurisdictions:list")
DETAIL_URL = reverse("jurisdictions:detail", args=["US-NY"])
AREAS_URL = reverse("jurisdictions:practice-areas")
API_LIST_URL = "/api/v1/jurisdictions/"
API_DETAIL_URL = "/api/v1/jurisdictions/US-NY/"
API_AREAS_URL = "/api/v1/practice-areas/"
PUBLIC_URLS = [reverse("home"), LIST_URL, DETAIL_URL, AREAS_URL, API_LIST_URL, API_DETAIL_URL, API_AREAS_URL]


def _unmasked(content: bytes) -> bytes:
    """The page without its CSRF token, masked afresh in every response."""
    return re.sub(rb'"X-CSRFToken": "[^"]*"', b"", content)


@pytest.fixture
def staff_client(client, staff_user):  # type: ignore[no-untyped-def]
    client.force_login(staff_user)
    return client


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_a_second_visit_asks_the_database_nothing(client, django_assert_num_queries, url):
    first = client.get(url)
    with django_assert_num_queries(0):
        second = client.get(url)

    assert first.status_code == second.status_code == 200
    assert _unmasked(first.content) == _unmasked(second.content)


def test_browsing_pages_and_filters_are_cached_separately(client, django_assert_num_queries):
    pages = [
        {"page": "2"},
        {"all": "on"},
        {"all": "on", "page": "3"},
        {"legal_system": "mixed"},
        {"country": "US"},
    ]
    first = [_unmasked(client.get(LIST_URL, params).content) for params in pages]
    with django_assert_num_queries(0):
        second = [_unmasked(client.get(LIST_URL, params).content) for params in pages]

    assert first == second
    assert len(set(first)) == len(pages)
    assert 'href="?all=on&amp;page=4"' in first[2].decode()


def test_free_text_search_and_invalid_filters_are_not_cached(client):
    client.get(LIST_URL, {"q": "york"})
    client.get(LIST_URL, {"country": "ATLANTIS"})
    client.get(API_LIST_URL, {"search": "york"})
    Jurisdiction.objects.filter(code="US-NY").update(name="New York State")  # no signal: not noticed

    assert "New York State" in client.get(LIST_URL, {"q": "york"}).content.decode()
    assert "New York State" in client.get(LIST_URL, {"country": "ATLANTIS"}).content.decode()
    names = [row["name"] for row in client.get(API_LIST_URL, {"search": "york"}).json()["results"]]
    assert "New York State" in names


@pytest.mark.parametrize(
    ("url", "params"),
    [
        (API_LIST_URL, {"x": "random-1"}),  # an unknown parameter
        (API_LIST_URL, {"active": "true", "page": "01"}),  # another spelling of page 1
        (API_LIST_URL, {"page": "1000"}),
        (LIST_URL, {"all": "yes-please"}),
        (LIST_URL, {"page": "21"}),
        (LIST_URL, {"country": "US", "page": "2"}),
    ],
)
def test_queries_outside_the_bounded_set_are_computed_each_time(client, url, params):
    # Anyone can send endless variations: only a bounded set of browsing queries is ever stored.
    response = client.get(url, params)

    stored = [key for key in cache._cache if ":list:" in key]  # the locmem cache's own keys
    assert response.status_code in {200, 400, 404}
    assert stored == []


@pytest.mark.parametrize(
    ("url", "params"),
    [(API_LIST_URL, {"active": "true"}), (LIST_URL, {"page": "2"}), (LIST_URL, {"country": "US"})],
)
def test_browsing_queries_are_stored(client, url, params):
    client.get(url, params)

    assert [key for key in cache._cache if ":list:" in key]


def test_a_saved_jurisdiction_shows_everywhere_at_once(client):
    us_url = reverse("jurisdictions:detail", args=["US"])
    for url in [*PUBLIC_URLS, us_url]:
        client.get(url)
    client.get(API_LIST_URL, {"country": "US"})
    new_york = Jurisdiction.objects.get(code="US-NY")
    new_york.name = "The State of New York"
    new_york.save()

    assert "The State of New York" in client.get(LIST_URL).content.decode()
    assert "<title>The State of New York (US-NY)" in client.get(DETAIL_URL).content.decode()
    assert "The State of New York" in client.get(us_url).content.decode()
    assert client.get(API_DETAIL_URL).json()["name"] == "The State of New York"
    names = [row["name"] for row in client.get(API_LIST_URL, {"country": "US"}).json()["results"]]
    assert "The State of New York" in names


def test_deactivating_in_admin_updates_the_counts_and_lists(
    client, staff_user, django_capture_on_commit_callbacks
):
    before = client.get(reverse("home")).context["active_jurisdiction_count"]
    assert "/jurisdictions/US-NY/" in client.get(LIST_URL, {"country": "US"}).content.decode()
    new_york = Jurisdiction.objects.get(code="US-NY")

    client.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:jurisdictions_jurisdiction_changelist") + "?q=US-NY",
            {
                "form-TOTAL_FORMS": "1",
                "form-INITIAL_FORMS": "1",
                "form-0-id": str(new_york.pk),
                "_save": "Save",
            },
        )
    assert response.status_code == 302
    client.logout()

    assert client.get(reverse("home")).context["active_jurisdiction_count"] == before - 1
    assert "/jurisdictions/US-NY/" not in client.get(LIST_URL, {"country": "US"}).content.decode()
    codes = [
        row["code"] for row in client.get(API_LIST_URL, {"active": "true", "country": "US"}).json()["results"]
    ]
    assert "US-NY" not in codes
    assert client.get(API_DETAIL_URL).json()["is_active"] is False


def test_practice_area_added_and_deleted(client):
    assert "Space law" not in client.get(AREAS_URL).content.decode()
    client.get(API_AREAS_URL)
    count = client.get(reverse("home")).context["practice_area_count"]

    area = PracticeArea.objects.create(name="Space law", slug="space-law")
    assert "Space law" in client.get(AREAS_URL).content.decode()
    assert client.get(API_AREAS_URL).json()["count"] == count + 1
    assert client.get(reverse("home")).context["practice_area_count"] == count + 1

    area.delete()
    assert "Space law" not in client.get(AREAS_URL).content.decode()
    assert client.get(API_AREAS_URL).json()["count"] == count


def test_a_reference_load_drops_the_cache(client):
    client.get(AREAS_URL)
    # Gone without a signal (as a bulk write would): the cached page does not know yet.
    PracticeArea.objects.filter(slug="m-and-a")._raw_delete(PracticeArea.objects.db)
    assert 'id="m-and-a"' in client.get(AREAS_URL).content.decode()

    reference_data_load()  # puts it back, with bulk inserts, and drops the cache
    assert PracticeArea.objects.filter(slug="m-and-a").exists()
    assert 'id="m-and-a"' in client.get(AREAS_URL).content.decode()
    cache.clear()
    PracticeArea.objects.filter(slug="m-and-a")._raw_delete(PracticeArea.objects.db)
    client.get(AREAS_URL)
    reference_data_load()
    assert 'id="m-and-a"' in client.get(AREAS_URL).content.decode()


def test_an_unknown_code_is_a_404_each_time(client):
    assert client.get(reverse("jurisdictions:detail", args=["XX-ZZZ"])).status_code == 404
    assert client.get(reverse("jurisdictions:detail", args=["XX-ZZZ"])).status_code == 404
    assert client.get("/api/v1/jurisdictions/XX-ZZZ/").status_code == 404
    assert client.get("/api/v1/jurisdictions/", {"active": "maybe"}).status_code == 400


def test_the_api_pagination_links_follow_the_address_asked(client):
    here = client.get(API_LIST_URL, HTTP_HOST="localhost").json()["next"]
    there = client.get(API_LIST_URL, HTTP_HOST="127.0.0.1").json()["next"]

    assert here.startswith("http://localhost/")
    assert there.startswith("http://127.0.0.1/")


def test_the_layout_is_still_the_visitors_own(client, staff_user):
    client.get(LIST_URL)
    client.force_login(staff_user)

    html = client.get(LIST_URL).content.decode()
    assert "Log out" in html
    assert "Staff dashboard" in html


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "django.contrib.sessions.backends.db False"),
        ({"REDIS_URL": "redis://127.0.0.1:6379/0"}, "marketplace.sessions True"),
    ],
)
def test_sessions_and_reference_data_are_cached_only_in_a_shared_cache(env, expected):
    code = "from django.conf import settings as s; print(s.SESSION_ENGINE, s.REFERENCE_DATA_CACHE)"
    clean = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "CELERY_BROKER_URL"}}
    clean.update({"DJANGO_SETTINGS_MODULE": "marketplace.settings.local", **env})
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=Path(__file__).resolve().parent.parent,
        env=clean,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == expected


@pytest.fixture
def cache_down(settings):  # type: ignore[no-untyped-def]
    """Redis as configured with REDIS_URL, at an address where nothing listens."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.SESSION_ENGINE = "marketplace.sessions"
    yield
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def test_pages_and_sessions_work_while_the_cache_is_down(cache_down, client, lawyer_user):
    for url in PUBLIC_URLS:
        assert client.get(url).status_code == 200

    # Signed in before the cache went down: the session is in the database.
    session = DBSessionStore()
    session[SESSION_KEY] = str(lawyer_user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = lawyer_user.get_session_auth_hash()
    session.create()
    client.cookies[django_settings.SESSION_COOKIE_NAME] = session.session_key

    page = client.get(LIST_URL)
    assert page.status_code == 200
    assert "My application" in page.content.decode()
    assert client.get("/notifications/").status_code == 200


def test_a_logout_while_the_cache_is_down_changes_nothing_rather_than_half(cache_down, lawyer_user):
    # Deleting the database row first and then failing on the cache would leave the cached copy to
    # sign the browser in again once the cache came back.
    from marketplace.sessions import SessionStore

    session = DBSessionStore()
    session[SESSION_KEY] = str(lawyer_user.pk)
    session.create()

    with pytest.raises(Exception, match=r"(?i)connect"):
        SessionStore(session.session_key).delete()

    assert DBSessionStore().exists(session.session_key)


def test_a_staff_edit_is_refused_while_the_cache_cannot_hear_of_it(cache_down):
    # Saved without a new version, the old entries would be served again once the cache came back.
    area = PracticeArea.objects.get(slug="m-and-a")
    area.name = "Mergers"
    with pytest.raises(Exception, match=r"(?i)connect"):
        area.save()


def test_a_reference_load_or_migration_still_runs_while_the_cache_is_down(cache_down):
    PracticeArea.objects.filter(slug="m-and-a")._raw_delete(PracticeArea.objects.db)

    assert reference_data_load().practice_areas == 1

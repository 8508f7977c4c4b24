"""The reference-data API: jurisdictions and practice areas for anyone, exchange rates for users."""

import pytest
from django.urls import reverse

from jurisdictions.models import Jurisdiction, PracticeArea

pytestmark = pytest.mark.django_db

JURISDICTIONS_URL = reverse("api:jurisdiction-list")
PRACTICE_AREAS_URL = reverse("api:practice-area-list")
EXCHANGE_RATES_URL = reverse("api:exchange-rate-list")


def _codes(response) -> list[str]:
    return [row["code"] for row in response.json()["results"]]


def test_anonymous_lists_every_jurisdiction(client):
    response = client.get(JURISDICTIONS_URL)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == Jurisdiction.objects.count()
    assert len(body["results"]) == 50
    assert set(body["results"][0]) == {
        "code", "name", "kind", "subdivision_type", "parent", "country",
        "legal_system", "currency", "languages", "is_active",
    }  # fmt: skip


def test_active_filter(client):
    active = client.get(JURISDICTIONS_URL, {"active": "true"}).json()
    inactive = client.get(JURISDICTIONS_URL, {"is_active": "false"}).json()

    assert active["count"] == Jurisdiction.objects.filter(is_active=True).count()
    assert all(row["is_active"] for row in active["results"])
    assert active["count"] + inactive["count"] == Jurisdiction.objects.count()


@pytest.mark.parametrize(
    ("params", "expected", "unexpected"),
    [
        ({"active": "true", "legal_system": "mixed"}, {"GB-SCT", "CA-QC", "IL"}, {"US-NY", "DE"}),
        ({"active": "true", "kind": "country"}, {"DE", "SG", "HK"}, {"US-NY"}),
        ({"parent": "us", "active": "true"}, {"US-NY", "US-DE"}, {"US", "GB-ENG"}),
        ({"country": "GB", "active": "true"}, {"GB-ENG", "GB-SCT"}, {"US-NY", "IE"}),
        ({"parent": "FR-IDF"}, {"FR-75C"}, {"FR-IDF"}),
        ({"search": "new york"}, {"US-NY"}, {"US-NJ"}),
        ({"search": "US-DC"}, {"US-DC"}, {"US-NY"}),
    ],
)
def test_filters_and_search(client, params, expected, unexpected):
    response = client.get(JURISDICTIONS_URL, params)

    assert response.status_code == 200
    codes = set(_codes(response))
    assert expected <= codes
    assert codes.isdisjoint(unexpected)


def test_bad_filter_value_is_a_400_with_a_reason(client):
    response = client.get(JURISDICTIONS_URL, {"legal_system": "tribal"})

    assert response.status_code == 400
    assert "legal_system" in response.json()


def test_detail_by_iso_code(client):
    response = client.get(reverse("api:jurisdiction-detail", args=["US-NY"]))

    assert response.status_code == 200
    assert response.json() == {
        "code": "US-NY",
        "name": "New York",
        "kind": "subdivision",
        "subdivision_type": "State",
        "parent": {"code": "US", "name": "United States"},
        "country": "US",
        "legal_system": "common",
        "currency": "USD",
        "languages": ["en"],
        "is_active": True,
    }
    assert client.get(reverse("api:jurisdiction-detail", args=["gb-eng"])).json()["parent"]["code"] == "GB"
    assert client.get(reverse("api:jurisdiction-detail", args=["DE"])).json()["parent"] is None


def test_detail_of_unknown_code_is_404(client):
    assert client.get(reverse("api:jurisdiction-detail", args=["XX-ZZZ"])).status_code == 404


def test_list_queries_do_not_grow_with_rows(client, django_assert_num_queries):
    # 1 count for the paginator, 2 the page with parents; anonymous requests touch no session.
    with django_assert_num_queries(2):
        client.get(JURISDICTIONS_URL, {"active": "true"})
    with django_assert_num_queries(2):
        response = client.get(JURISDICTIONS_URL, {"country": "FR"})
    assert len(response.json()["results"]) == 50


def test_practice_areas_for_anyone(client, django_assert_num_queries):
    with django_assert_num_queries(2):
        response = client.get(PRACTICE_AREAS_URL)

    assert response.status_code == 200
    assert response.json()["count"] == PracticeArea.objects.count()


def test_practice_areas_by_level_and_parent(client):
    top = client.get(PRACTICE_AREAS_URL, {"top_level": "true"}).json()
    corporate = client.get(PRACTICE_AREAS_URL, {"parent": "corporate"}).json()

    assert top["count"] == PracticeArea.objects.filter(parent=None).count()
    assert all(row["parent"] is None for row in top["results"])
    assert {row["name"] for row in corporate["results"]} >= {"M&A", "Private equity", "Venture capital"}
    assert all(row["parent"] == {"slug": "corporate", "name": "Corporate"} for row in corporate["results"])


def test_practice_area_detail_by_slug(client):
    response = client.get(reverse("api:practice-area-detail", args=["ediscovery"]))

    assert response.status_code == 200
    assert response.json()["parent"]["slug"] == "disputes"


def test_exchange_rates_need_a_signed_in_user(client):
    assert client.get(EXCHANGE_RATES_URL).status_code in {401, 403}
    assert client.get(reverse("api:exchange-rate-detail", args=["EUR"])).status_code in {401, 403}


def test_exchange_rates_for_a_signed_in_user(client, client_owner):
    client.force_login(client_owner)

    rates = client.get(EXCHANGE_RATES_URL)
    euro = client.get(reverse("api:exchange-rate-detail", args=["eur"]))

    assert rates.status_code == 200
    assert "EUR" in {row["currency"] for row in rates.json()["results"]}
    assert euro.status_code == 200
    assert euro.json()["rate_to_usd"] == "1.08000000"


def test_schema_documents_the_endpoints(client):
    response = client.get("/api/schema/")

    assert response.status_code == 200
    schema = response.content.decode()
    for path in ["/api/v1/jurisdictions/", "/api/v1/jurisdictions/{code}/", "/api/v1/practice-areas/",
                 "/api/v1/exchange-rates/{currency}/"]:  # fmt: skip
        assert path in schema

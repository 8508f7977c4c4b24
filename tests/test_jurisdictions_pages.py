"""Public pages: the jurisdiction list with search and filters, one jurisdiction, the practice areas."""

import pytest
from django.urls import reverse

from jurisdictions.models import Jurisdiction

pytestmark = pytest.mark.django_db

LIST_URL = reverse("jurisdictions:list")


def _codes_listed(response) -> list[str]:
    return [jurisdiction.code for jurisdiction in response.context["page_obj"]]


def test_anonymous_visitor_sees_the_active_jurisdictions(client):
    response = client.get(LIST_URL)

    assert response.status_code == 200
    codes = _codes_listed(response)
    assert {"US-NY", "GB-ENG", "DE", "SG"} <= set(codes)
    assert "US-LA" not in codes  # not active in the network
    assert response.context["page_obj"].paginator.count == Jurisdiction.objects.filter(is_active=True).count()
    html = response.content.decode()
    for text in ["New York", "England", "Common law", "Mixed", "USD", "GBP", "Legal system", "Languages"]:
        assert text in html


def test_search_by_name_or_code(client):
    assert _codes_listed(client.get(LIST_URL, {"q": "york"})) == ["US-NY"]
    assert _codes_listed(client.get(LIST_URL, {"q": "gb-"})) == ["GB-ENG", "GB-NIR", "GB-SCT"]


def test_filter_by_legal_system_and_country(client):
    mixed = _codes_listed(client.get(LIST_URL, {"legal_system": "mixed"}))
    assert {"GB-SCT", "CA-QC", "IL", "AE", "ZA"} <= set(mixed)
    assert "US-NY" not in mixed

    american = _codes_listed(client.get(LIST_URL, {"country": "US"}))
    assert "US-NY" in american
    assert all(code.startswith("US-") for code in american)


def test_show_all_iso_jurisdictions(client):
    response = client.get(LIST_URL, {"all": "on", "q": "louisiana"})

    assert _codes_listed(response) == ["US-LA"]
    assert b"Louisiana" in response.content


def test_all_iso_jurisdictions_are_paginated(client):
    first = client.get(LIST_URL, {"all": "on"})
    second = client.get(LIST_URL, {"all": "on", "page": 2})

    assert first.context["page_obj"].paginator.count == Jurisdiction.objects.count()
    assert len(_codes_listed(first)) == 50
    assert set(_codes_listed(first)).isdisjoint(_codes_listed(second))
    assert b"all=on" in first.content and b"page=2" in first.content  # the next link keeps the filters


def test_an_invalid_filter_shows_an_error_and_the_list(client):
    response = client.get(LIST_URL, {"country": "ATLANTIS", "q": "york"})

    assert response.status_code == 200
    assert "country" in response.context["form"].errors
    assert _codes_listed(response) == ["US-NY"]


def test_list_queries_do_not_grow_with_rows(client, django_assert_num_queries):
    # 1 countries for the filter, 2 count for the paginator, 3 the page with parents.
    # Anonymous visitors have no session: the layout's context processors do no queries.
    with django_assert_num_queries(3):
        client.get(LIST_URL)

    Jurisdiction.objects.filter(code__startswith="FR-").update(is_active=True)
    with django_assert_num_queries(3):
        response = client.get(LIST_URL, {"all": "on"})
    assert len(_codes_listed(response)) == 50


def test_detail_shows_parent_and_children(client):
    country = client.get(reverse("jurisdictions:detail", args=["US"]))
    state = client.get(reverse("jurisdictions:detail", args=["US-NY"]))

    assert country.status_code == 200
    assert "US-NY" in [child.code for child in country.context["children"]]
    assert state.status_code == 200
    assert b"New York" in state.content
    assert state.context["jurisdiction"].parent.code == "US"
    assert reverse("jurisdictions:detail", args=["US"]).encode() in state.content
    assert b"Active in the network" in state.content


def test_detail_of_a_nested_subdivision_shows_its_ancestors(client, django_assert_num_queries):
    # 1 the jurisdiction with its parents, 2 its children.
    with django_assert_num_queries(2):
        response = client.get(reverse("jurisdictions:detail", args=["FR-75C"]))

    assert [ancestor.code for ancestor in response.context["ancestors"]] == ["FR", "FR-IDF"]


def test_detail_of_unknown_code_is_404(client):
    assert client.get("/jurisdictions/XX/").status_code == 404
    assert client.get("/jurisdictions/US-ZZZ/").status_code == 404


def test_detail_in_lower_case_redirects_to_the_iso_code(client):
    response = client.get("/jurisdictions/us-ny/")

    assert response.status_code == 301
    assert response["Location"] == reverse("jurisdictions:detail", args=["US-NY"])


def test_practice_areas_page_shows_the_two_level_tree(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get(reverse("jurisdictions:practice-areas"))

    assert response.status_code == 200
    tree = {
        branch.area.name: [child.name for child in branch.children] for branch in response.context["tree"]
    }
    assert "M&A" in tree["Corporate"]
    assert "eDiscovery" in tree["Disputes"]
    assert "Data privacy" in tree["Regulatory"]
    assert "M&amp;A" in response.content.decode()


def test_signed_in_users_see_the_pages_too(client, client_owner, lawyer_user):
    for user in (client_owner, lawyer_user):
        client.force_login(user)
        assert client.get(LIST_URL).status_code == 200
        assert client.get(reverse("jurisdictions:detail", args=["GB-ENG"])).status_code == 200
        assert client.get(reverse("jurisdictions:practice-areas")).status_code == 200

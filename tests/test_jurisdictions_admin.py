"""Staff maintain the reference data in Django admin."""

from decimal import Decimal

import pytest
from django.urls import reverse

from jurisdictions.models import ExchangeRate, Jurisdiction, PracticeArea
from jurisdictions.services import reference_data_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.mark.parametrize(
    "url",
    [
        reverse("admin:jurisdictions_jurisdiction_changelist"),
        reverse("admin:jurisdictions_jurisdiction_changelist")
        + "?q=york&is_active__exact=1&kind=subdivision",
        reverse("admin:jurisdictions_practicearea_changelist"),
        reverse("admin:jurisdictions_practicearea_changelist") + "?parent=none",
        reverse("admin:jurisdictions_exchangerate_changelist"),
        reverse("admin:jurisdictions_exchangerate_add"),
    ],
)
def test_staff_see_the_admin_pages(staff_client, url):
    assert staff_client.get(url).status_code == 200


def test_staff_open_one_of_each(staff_client):
    new_york = Jurisdiction.objects.get(code="US-NY")
    corporate = PracticeArea.objects.get(slug="corporate")
    euro = ExchangeRate.objects.get(currency="EUR")

    for url in [
        reverse("admin:jurisdictions_jurisdiction_change", args=[new_york.pk]),
        reverse("admin:jurisdictions_practicearea_change", args=[corporate.pk]),
        reverse("admin:jurisdictions_exchangerate_change", args=[euro.pk]),
        reverse("admin:jurisdictions_exchangerate_history", args=[euro.pk]),
    ]:
        assert staff_client.get(url).status_code == 200


def test_non_staff_cannot_reach_the_admin(client, client_owner):
    client.force_login(client_owner)

    response = client.get(reverse("admin:jurisdictions_exchangerate_changelist"))

    assert response.status_code == 302


def test_changing_a_rate_records_who_and_survives_a_reload(staff_client, staff_user):
    euro = ExchangeRate.objects.get(currency="EUR")

    response = staff_client.post(
        reverse("admin:jurisdictions_exchangerate_change", args=[euro.pk]),
        {"currency": "EUR", "rate_to_usd": "1.1234"},
    )

    assert response.status_code == 302
    euro.refresh_from_db()
    assert (euro.rate_to_usd, euro.updated_by) == (Decimal("1.1234"), staff_user)
    assert euro.history.first().history_user == staff_user
    reference_data_load()
    euro.refresh_from_db()
    assert euro.rate_to_usd == Decimal("1.1234")


@pytest.mark.parametrize("rate", ["0", "-1.5"])
def test_a_rate_must_be_positive(staff_client, rate):
    euro = ExchangeRate.objects.get(currency="EUR")

    response = staff_client.post(
        reverse("admin:jurisdictions_exchangerate_change", args=[euro.pk]),
        {"currency": "EUR", "rate_to_usd": rate},
    )

    assert response.status_code == 200
    assert "The rate must be positive." in response.content.decode()
    euro.refresh_from_db()
    assert euro.rate_to_usd == Decimal("1.08")


def test_adding_a_rate_for_a_currency_that_is_not_iso_4217_is_refused(staff_client):
    response = staff_client.post(
        reverse("admin:jurisdictions_exchangerate_add"), {"currency": "XYZ", "rate_to_usd": "1"}
    )

    assert response.status_code == 200
    assert "not an ISO 4217 currency code" in response.content.decode()
    assert not ExchangeRate.objects.filter(currency="XYZ").exists()


def test_deactivating_from_the_list_survives_a_reload(staff_client):
    new_york = Jurisdiction.objects.get(code="US-NY")
    url = reverse("admin:jurisdictions_jurisdiction_changelist") + "?q=US-NY"

    response = staff_client.post(
        url,
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(new_york.pk),
            "_save": "Save",
        },
    )

    assert response.status_code == 302
    reference_data_load()
    new_york.refresh_from_db()
    assert not new_york.is_active


def test_a_sub_area_cannot_have_sub_areas(staff_client):
    m_and_a = PracticeArea.objects.get(slug="m-and-a")

    response = staff_client.post(
        reverse("admin:jurisdictions_practicearea_add"),
        {
            "name": "Public M&A",
            "slug": "public-m-and-a",
            "parent": str(m_and_a.pk),
            "description": "",
            "children-TOTAL_FORMS": "0",
            "children-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert not PracticeArea.objects.filter(slug="public-m-and-a").exists()

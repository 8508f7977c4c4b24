"""The reference-data loader: ISO 3166 from pycountry plus curated attributes, created once, never
overwriting what staff changed."""

from decimal import Decimal
from io import StringIO

import pycountry
import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from jurisdictions import reference
from jurisdictions.models import ExchangeRate, Jurisdiction, PracticeArea
from jurisdictions.services import (
    SEED_CHANGE_REASON,
    iso_jurisdictions,
    practice_area_count_expected,
    reference_data_ensure,
    reference_data_load,
)

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int]:
    return Jurisdiction.objects.count(), PracticeArea.objects.count(), ExchangeRate.objects.count()


def _wipe_reference_data() -> None:
    Jurisdiction.objects.update(parent=None)
    Jurisdiction.objects.all().delete()
    PracticeArea.objects.update(parent=None)
    PracticeArea.objects.all().delete()
    ExchangeRate.objects.all().delete()


def test_new_york_is_an_active_state_of_the_united_states():
    new_york = Jurisdiction.objects.select_related("parent").get(code="US-NY")
    assert new_york.name == "New York"
    assert new_york.kind == Jurisdiction.Kind.SUBDIVISION
    assert new_york.subdivision_type == "State"
    assert new_york.parent.code == "US"
    assert new_york.is_active
    assert (new_york.legal_system, new_york.currency, new_york.languages) == ("common", "USD", ["en"])


def test_uk_jurisdictions_have_their_own_legal_systems():
    england = Jurisdiction.objects.select_related("parent").get(code="GB-ENG")
    assert england.parent.code == "GB"
    assert england.legal_system == Jurisdiction.LegalSystem.COMMON
    assert england.currency == "GBP"
    assert Jurisdiction.objects.get(code="GB-SCT").legal_system == Jurisdiction.LegalSystem.MIXED
    # ISO's bracketed alternative names are dropped.
    assert Jurisdiction.objects.get(code="GB-WLS").name == "Wales"


@pytest.mark.parametrize(
    ("code", "legal_system"),
    [
        ("US", "common"),
        ("US-LA", "mixed"),
        ("CA-QC", "mixed"),
        ("CA-ON", "common"),
        ("DE", "civil"),
        ("FR", "civil"),
        ("IL", "mixed"),
        ("SG", "common"),
        ("HK", "common"),
        ("CN-HK", "common"),
        ("AE", "mixed"),
        ("IN", "common"),
        ("ZA", "mixed"),
        ("DE-BY", "civil"),  # a subdivision takes its country's system
    ],
)
def test_legal_systems(code, legal_system):
    assert Jurisdiction.objects.get(code=code).legal_system == legal_system


def test_subdivisions_hang_under_their_iso_parent_subdivision_or_country():
    paris = Jurisdiction.objects.select_related("parent__parent").get(code="FR-75C")
    assert paris.parent.code == "FR-IDF"
    assert paris.parent.parent.code == "FR"
    assert Jurisdiction.objects.get(code="CN-HK").currency == "HKD"
    assert Jurisdiction.objects.get(code="HK").kind == Jurisdiction.Kind.COUNTRY


def test_every_iso_country_and_subdivision_is_loaded_once():
    countries = Jurisdiction.objects.filter(kind=Jurisdiction.Kind.COUNTRY)
    subdivisions = Jurisdiction.objects.filter(kind=Jurisdiction.Kind.SUBDIVISION)
    assert countries.count() >= 249
    assert countries.count() == len(pycountry.countries)
    assert subdivisions.count() == len(pycountry.subdivisions)
    assert not subdivisions.filter(parent=None).exists()
    assert not countries.exclude(parent=None).exists()


def test_about_fifty_jurisdictions_are_active_and_fully_described():
    active = Jurisdiction.objects.filter(is_active=True)
    assert 40 <= active.count() <= 60
    assert not active.filter(legal_system="").exists()
    assert not active.filter(currency="").exists()
    assert not active.filter(languages=[]).exists()
    assert set(active.values_list("code", flat=True)) == reference.ACTIVE_JURISDICTIONS


def test_every_currency_of_an_active_jurisdiction_has_an_exchange_rate():
    currencies = set(Jurisdiction.objects.filter(is_active=True).values_list("currency", flat=True))
    rates = dict(ExchangeRate.objects.values_list("currency", "rate_to_usd"))
    assert currencies <= set(rates)
    assert rates["USD"] == Decimal(1)
    assert Decimal("1.0") < rates["EUR"] < Decimal("1.3")
    assert all(rate > 0 for rate in rates.values())


def test_seeded_rates_start_their_audit_history():
    euro = ExchangeRate.objects.get(currency="EUR")
    (entry,) = euro.history.all()
    assert entry.history_type == "+"
    assert entry.history_change_reason == SEED_CHANGE_REASON
    assert entry.rate_to_usd == euro.rate_to_usd


def test_practice_areas_are_two_levels_deep():
    assert 35 <= PracticeArea.objects.count() <= 45
    assert PracticeArea.objects.count() == practice_area_count_expected()
    assert not PracticeArea.objects.filter(parent__parent__isnull=False).exists()
    top_level = PracticeArea.objects.filter(parent=None)
    assert 8 <= top_level.count() <= 12
    assert all(area.children.exists() for area in top_level)
    children = {str(area) for area in PracticeArea.objects.select_related("parent").exclude(parent=None)}
    assert {"Corporate > M&A", "Disputes > eDiscovery", "Regulatory > Data privacy"} <= children
    assert {"Competition > Merger control", "Finance > Restructuring & insolvency"} <= children


def test_loading_twice_creates_nothing_more():
    before = _counts()

    first = reference_data_load()
    second = reference_data_load()

    assert (first.jurisdictions, first.practice_areas, first.exchange_rates) == (0, 0, 0)
    assert (second.jurisdictions, second.practice_areas, second.exchange_rates) == (0, 0, 0)
    assert _counts() == before
    assert Jurisdiction.objects.values("code").distinct().count() == before[0]


def test_loading_into_empty_tables_then_again():
    _wipe_reference_data()
    assert _counts() == (0, 0, 0)

    created = reference_data_load()
    after_first = _counts()
    again = reference_data_load()

    assert (created.jurisdictions, created.practice_areas, created.exchange_rates) == after_first
    assert after_first == (
        len(iso_jurisdictions()),
        practice_area_count_expected(),
        len(reference.EXCHANGE_RATES),
    )
    assert (again.jurisdictions, again.practice_areas, again.exchange_rates) == (0, 0, 0)
    assert _counts() == after_first
    assert Jurisdiction.objects.get(code="FR-75C").parent.code == "FR-IDF"


def test_staff_changes_survive_a_reload_and_only_missing_rows_come_back(staff_user):
    # given: staff deactivated a jurisdiction, changed a rate, renamed and re-slugged practice areas,
    # and a practice area and a rate were deleted
    Jurisdiction.objects.filter(code="US-NY").update(is_active=False, name="New York State")
    ExchangeRate.objects.filter(currency="EUR").update(rate_to_usd=Decimal("1.11"), updated_by=staff_user)
    PracticeArea.objects.filter(slug="m-and-a").update(name="Mergers & acquisitions")
    PracticeArea.objects.filter(slug="ediscovery").update(slug="e-discovery")
    PracticeArea.objects.filter(slug="corporate").update(slug="corporate-law")
    PracticeArea.objects.filter(slug="cartels").delete()
    ExchangeRate.objects.filter(currency="JPY").delete()
    before = _counts()

    # when
    created = reference_data_load()

    # then
    new_york = Jurisdiction.objects.get(code="US-NY")
    assert (new_york.is_active, new_york.name) == (False, "New York State")
    euro = ExchangeRate.objects.get(currency="EUR")
    assert (euro.rate_to_usd, euro.updated_by) == (Decimal("1.11"), staff_user)
    assert PracticeArea.objects.get(slug="m-and-a").name == "Mergers & acquisitions"
    assert not PracticeArea.objects.filter(slug__in=["ediscovery", "corporate"]).exists()
    assert PracticeArea.objects.filter(slug="cartels", parent__slug="competition").exists()
    assert ExchangeRate.objects.filter(currency="JPY").exists()
    assert (created.jurisdictions, created.practice_areas, created.exchange_rates) == (0, 1, 1)
    assert _counts() == (before[0], before[1] + 1, before[2] + 1)


def test_ensure_is_one_query_when_loaded(django_assert_num_queries):
    with django_assert_num_queries(1):
        reference_data_ensure()


def test_ensure_loads_what_is_missing():
    ExchangeRate.objects.filter(currency="CHF").delete()

    reference_data_ensure()

    assert ExchangeRate.objects.filter(currency="CHF").exists()


def test_loader_runs_on_the_models_as_the_data_migration_sees_them():
    # The data migration passes historical models; the loader must work with those too.
    _wipe_reference_data()
    historical = MigrationLoader(connection).project_state(("jurisdictions", "0002_reference_data")).apps

    created = reference_data_load(apps=historical)

    assert created.jurisdictions == len(iso_jurisdictions())
    assert ExchangeRate.objects.get(currency="EUR").history.count() == 1


def test_management_command_reports_counts():
    out = StringIO()

    call_command("load_reference_data", stdout=out)

    text = out.getvalue()
    assert f"jurisdictions: 0 created, {Jurisdiction.objects.count()} in total" in text
    assert f"practice areas: 0 created, {PracticeArea.objects.count()} in total" in text
    assert "jurisdictions active" in text

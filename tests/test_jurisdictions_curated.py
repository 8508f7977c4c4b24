"""The curated tables use real codes: ISO 3166 for places, ISO 4217 for money, ISO 639-1 for languages."""

import pycountry

from jurisdictions import reference

ISO_3166 = {country.alpha_2 for country in pycountry.countries} | {s.code for s in pycountry.subdivisions}


def test_curated_places_are_iso_3166_codes():
    places = (
        set(reference.ACTIVE_JURISDICTIONS)
        | set(reference.LEGAL_SYSTEMS)
        | set(reference.CURRENCIES)
        | set(reference.LANGUAGES)
    )
    assert places - ISO_3166 == set()


def test_every_country_but_antarctica_has_a_currency():
    countries = {country.alpha_2 for country in pycountry.countries}
    assert countries - set(reference.CURRENCIES) == {"AQ"}


def test_currencies_are_iso_4217_codes():
    codes = set(reference.CURRENCIES.values()) | set(reference.EXCHANGE_RATES)
    assert {code for code in codes if pycountry.currencies.get(alpha_3=code) is None} == set()


def test_languages_are_iso_639_1_codes():
    codes = {code for languages in reference.LANGUAGES.values() for code in languages}
    assert {code for code in codes if pycountry.languages.get(alpha_2=code) is None} == set()


def test_legal_systems_are_known():
    assert set(reference.LEGAL_SYSTEMS.values()) == {"common", "civil", "mixed"}


def test_practice_area_slugs_are_unique():
    slugs = []
    for slug, _, _, children in reference.PRACTICE_AREAS:
        slugs += [slug, *(child_slug for child_slug, _ in children)]
    assert len(slugs) == len(set(slugs))

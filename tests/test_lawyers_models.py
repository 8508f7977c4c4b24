import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from lawyers.models import BarAdmission, LanguageSkill, LawyerProfile, Unavailability
from lawyers.rules import (
    normalise_organisation_name,
    normalise_registration_number,
    seniority_years,
    validate_currency_code,
    validate_language_code,
)
from tests.factories import LawyerUserFactory
from tests.factories_lawyers import BarAdmissionFactory, LawyerProfileFactory, jurisdiction


@pytest.mark.django_db
def test_signup_creates_an_empty_draft_profile():
    user = LawyerUserFactory()
    profile = LawyerProfile.objects.get(user=user)
    assert profile.status == LawyerProfile.Status.DRAFT
    assert profile.seniority_years == 0
    assert user.lawyer_profile == profile


@pytest.mark.django_db
def test_the_same_registration_number_on_two_profiles_is_not_a_database_error():
    new_york = jurisdiction("US-NY")
    BarAdmissionFactory(jurisdiction=new_york, registration_number="1234567")
    BarAdmissionFactory(jurisdiction=new_york, registration_number="1234567")
    assert BarAdmission.objects.filter(registration_number="1234567").count() == 2


@pytest.mark.django_db
def test_one_admission_per_profile_and_jurisdiction():
    profile = LawyerProfileFactory()
    BarAdmissionFactory(profile=profile, jurisdiction=jurisdiction("US-NY"))
    with pytest.raises(IntegrityError):
        BarAdmissionFactory(profile=profile, jurisdiction=jurisdiction("US-NY"))


@pytest.mark.django_db
def test_unavailability_cannot_end_before_it_starts():
    profile = LawyerProfileFactory()
    period = Unavailability(profile=profile, start=dt.date(2026, 5, 10), end=dt.date(2026, 5, 1))
    with pytest.raises(ValidationError, match="on or after the first day"):
        period.full_clean()
    with pytest.raises(IntegrityError):
        period.save()


@pytest.mark.django_db
def test_language_codes_are_iso_639_1():
    profile = LawyerProfileFactory()
    LanguageSkill(profile=profile, code="de").full_clean()
    with pytest.raises(ValidationError):
        LanguageSkill(profile=profile, code="xx").full_clean()


def test_code_validators():
    validate_currency_code("EUR")
    validate_language_code("fr")
    with pytest.raises(ValidationError):
        validate_currency_code("EURO")
    with pytest.raises(ValidationError):
        validate_language_code("english")


def test_normalisation():
    assert normalise_registration_number(" ab 12 34 ") == "AB1234"
    assert normalise_organisation_name("  Acme,  Holdings Inc. ") == "acme holdings inc"


@pytest.mark.parametrize(
    "name",
    [
        "Müller & Co., Ltd.",
        "  ACME  Holdings ",
        "Société Générale",
        "Ｆｕｌｌｗｉｄｔｈ Ｃｏ",
        "",
        "O'Brien-Smith",
    ],
)
def test_organisations_and_counterparties_are_normalised_by_the_same_rule(name):
    from engagements.matching import normalise_party_name

    assert normalise_organisation_name(name) == normalise_party_name(name)
    assert normalise_organisation_name("Müller & Co., Ltd.") == "muller & co ltd"


def test_seniority_counts_post_qualification_experience_once():
    today = dt.date(2026, 1, 1)
    years = seniority_years(
        admission_years=[2016, 2018],
        legal_experience=[
            (dt.date(2014, 1, 1), dt.date(2020, 1, 1)),  # before 2016 does not count
            (dt.date(2019, 1, 1), None),  # overlaps the first role: counted once
        ],
        today=today,
    )
    assert years == 10
    assert (
        seniority_years(admission_years=[], legal_experience=[(dt.date(2010, 1, 1), None)], today=today) == 0
    )
    gap = seniority_years(
        admission_years=[2010],
        legal_experience=[(dt.date(2010, 1, 1), dt.date(2013, 1, 1)), (dt.date(2020, 1, 1), None)],
        today=today,
    )
    assert gap == 9

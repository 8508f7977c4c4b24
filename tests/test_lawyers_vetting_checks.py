"""Each automated vetting check, passing and failing, and how results are stored."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile

from lawyers import services, vetting
from lawyers.models import Document, VettingCheck
from lawyers.rules import normalise_organisation_name
from tests.factories_lawyers import (
    BarAdmissionFactory,
    DocumentFactory,
    ExperienceFactory,
    LawyerProfileFactory,
    PracticeAreaExperienceFactory,
    SanctionedEntryFactory,
    complete_profile,
    jurisdiction,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 1)
Result = VettingCheck.Result


def test_completeness_passes_for_a_complete_profile():
    outcome = vetting.check_completeness(complete_profile(), today=TODAY)
    assert outcome.result == Result.PASS


def test_completeness_fails_and_lists_what_is_missing():
    profile = LawyerProfileFactory(headline="", hourly_rate=None)
    outcome = vetting.check_completeness(profile, today=TODAY)
    assert outcome.result == Result.FAIL
    for missing in (
        "a headline",
        "an hourly rate",
        "at least one bar admission",
        "a CV",
        "a bar certificate",
    ):
        assert missing in outcome.detail


@pytest.mark.parametrize(
    ("code", "number", "expected"),
    [
        ("US-NY", "1234567", Result.PASS),
        ("US-NY", "123 4567", Result.PASS),  # spaces are ignored
        ("US-NY", "123456", Result.FAIL),
        ("US-NY", "12345AB", Result.FAIL),
        ("GB-ENG", "654321", Result.PASS),
        ("GB-ENG", "65432", Result.FAIL),
        ("SG", "2011/01234", Result.PASS),
        ("SG", "ABC", Result.FAIL),
        ("FR", "anything", Result.WARN),  # no known format
    ],
)
def test_registration_number_format(code, number, expected):
    admission = BarAdmissionFactory(jurisdiction=jurisdiction(code), registration_number=number)
    outcome = vetting.check_registration_format(admission.profile, today=TODAY)
    assert outcome.result == expected
    if expected == Result.WARN:
        assert "no known format" in outcome.detail
    if expected == Result.FAIL:
        assert code in outcome.detail and number in outcome.detail


def test_the_worst_admission_decides_the_format_result():
    profile = LawyerProfileFactory()
    BarAdmissionFactory(profile=profile, jurisdiction=jurisdiction("FR"), registration_number="X1")
    BarAdmissionFactory(profile=profile, jurisdiction=jurisdiction("US-NY"), registration_number="12")
    outcome = vetting.check_registration_format(profile, today=TODAY)
    assert outcome.result == Result.FAIL
    assert "FR" in outcome.detail and "US-NY" in outcome.detail


def test_registration_number_claimed_by_another_profile_fails():
    new_york = jurisdiction("US-NY")
    mine = BarAdmissionFactory(jurisdiction=new_york, registration_number="7654321")
    other = BarAdmissionFactory(jurisdiction=new_york, registration_number="7654321")
    outcome = vetting.check_registration_duplicate(mine.profile, today=TODAY)
    assert outcome.result == Result.FAIL
    assert "7654321" in outcome.detail
    # The detail is shown to the lawyer: it never names the other lawyer.
    assert other.profile.user.email not in outcome.detail
    assert other.profile.user.full_name not in outcome.detail


def test_same_number_in_another_jurisdiction_is_not_a_duplicate():
    mine = BarAdmissionFactory(jurisdiction=jurisdiction("US-NY"), registration_number="7654321")
    BarAdmissionFactory(jurisdiction=jurisdiction("US-IL"), registration_number="7654321")
    assert vetting.check_registration_duplicate(mine.profile, today=TODAY).result == Result.PASS


def test_admission_year_consistent_with_experience_passes():
    profile = LawyerProfileFactory()
    BarAdmissionFactory(profile=profile, year_admitted=2012)
    ExperienceFactory(profile=profile, start_date=dt.date(2011, 9, 1))
    PracticeAreaExperienceFactory(profile=profile, years=10)
    assert vetting.check_admission_year(profile, today=TODAY).result == Result.PASS


def test_admission_year_in_the_future_fails():
    profile = LawyerProfileFactory()
    BarAdmissionFactory(profile=profile, year_admitted=2031)
    outcome = vetting.check_admission_year(profile, today=TODAY)
    assert outcome.result == Result.FAIL
    assert "in the future" in outcome.detail


def test_admission_long_before_the_first_role_fails():
    profile = LawyerProfileFactory()
    BarAdmissionFactory(profile=profile, year_admitted=1995)
    ExperienceFactory(profile=profile, start_date=dt.date(2015, 1, 1))
    outcome = vetting.check_admission_year(profile, today=TODAY)
    assert outcome.result == Result.FAIL
    assert "before your first listed role (2015)" in outcome.detail


def test_claimed_years_beyond_post_qualification_years_warns():
    profile = LawyerProfileFactory()
    BarAdmissionFactory(profile=profile, year_admitted=2020)
    ExperienceFactory(profile=profile, start_date=dt.date(2020, 1, 1))
    PracticeAreaExperienceFactory(profile=profile, years=15)
    outcome = vetting.check_admission_year(profile, today=TODAY)
    assert outcome.result == Result.WARN
    assert "15 years" in outcome.detail


def test_documents_present_and_valid_pass():
    assert vetting.check_documents(complete_profile(), today=TODAY).result == Result.PASS


def test_missing_bar_certificate_fails():
    profile = LawyerProfileFactory()
    DocumentFactory(profile=profile, kind=Document.Kind.CV)
    outcome = vetting.check_documents(profile, today=TODAY)
    assert outcome.result == Result.FAIL
    assert "No Bar certificate uploaded" in outcome.detail


def test_stored_document_whose_content_is_not_what_it_claims_fails():
    profile = complete_profile()
    DocumentFactory(profile=profile, file=ContentFile(b"MZ\x90\x00 not a pdf", name="x.pdf"))
    outcome = vetting.check_documents(profile, today=TODAY)
    assert outcome.result == Result.FAIL
    assert "not the file type it claims" in outcome.detail


def test_oversize_document_fails(settings):
    profile = complete_profile()
    settings.LAWYER_DOCUMENT_MAX_BYTES = 100
    assert vetting.check_documents(profile, today=TODAY).result == Result.FAIL


def test_sanctions_no_match_passes():
    SanctionedEntryFactory(name="Somebody Else")
    assert vetting.check_sanctions(complete_profile(), today=TODAY).result == Result.PASS


def test_sanctions_match_on_normalised_name_fails():
    profile = complete_profile()
    profile.user.full_name = "Jane  O'Connor"
    profile.user.save()
    SanctionedEntryFactory(name="JANE O CONNOR", name_normalised=normalise_organisation_name("JANE O CONNOR"))
    outcome = vetting.check_sanctions(profile, today=TODAY)
    assert outcome.result == Result.FAIL
    assert "Test list 2026-01" in outcome.detail


def test_sanctions_match_on_registration_number_fails(staff_user):
    new_york = jurisdiction("US-NY")
    admission = BarAdmissionFactory(jurisdiction=new_york, registration_number="5550001")
    entry = SanctionedEntryFactory.build(jurisdiction=new_york, registration_number="555 0001")
    services.sanctioned_entry_save(entry=entry, by=staff_user)
    assert vetting.check_sanctions(admission.profile, today=TODAY).result == Result.FAIL


def test_sanctioned_number_in_another_jurisdiction_does_not_match(staff_user):
    admission = BarAdmissionFactory(jurisdiction=jurisdiction("US-NY"), registration_number="5550001")
    entry = SanctionedEntryFactory.build(jurisdiction=jurisdiction("US-IL"), registration_number="5550001")
    services.sanctioned_entry_save(entry=entry, by=staff_user)
    assert vetting.check_sanctions(admission.profile, today=TODAY).result == Result.PASS


def test_running_checks_twice_replaces_the_results():
    profile = complete_profile()
    services.vetting_checks_run(profile_id=profile.pk)
    first = {c.name: c.pk for c in profile.checks.all()}
    services.vetting_checks_run(profile_id=profile.pk)
    assert {c.name: c.pk for c in profile.checks.all()} == first
    assert profile.checks.count() == len(vetting.CHECKS)


def test_running_named_checks_only_touches_those():
    profile = complete_profile()
    services.vetting_checks_run(profile_id=profile.pk, check_names=["documents"])
    assert list(profile.checks.values_list("name", flat=True)) == ["documents"]


def test_running_checks_for_a_deleted_profile_does_nothing():
    assert services.vetting_checks_run(profile_id=987654) == []

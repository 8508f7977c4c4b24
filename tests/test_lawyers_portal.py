"""The lawyer portal: drafts saved incomplete, errors next to fields, all-or-nothing saves, submission."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lawyers.models import BarAdmission, DeclaredConflict, Experience, LawyerProfile, Unavailability
from tests.factories_lawyers import (
    BarAdmissionFactory,
    ExperienceFactory,
    LanguageSkillFactory,
    complete_profile,
    jurisdiction,
    practice_area,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def profile(client, lawyer_user):
    client.force_login(lawyer_user)
    return lawyer_user.lawyer_profile


def _formset(prefix: str, rows: list[dict], initial: int = 0) -> dict[str, str]:
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(initial)}
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{key}": str(value) for key, value in row.items()})
    return data


def test_new_lawyer_sees_a_checklist_of_everything_missing(client, profile):
    response = client.get(f"/lawyers/{profile.pk}/")
    content = response.content.decode()
    assert "My application" in content and "Draft" in content
    assert "at least one bar admission" in content and "a CV" in content
    assert "Submit application" in content


def test_basics_can_be_saved_incomplete(client, profile):
    response = client.post(
        f"/lawyers/{profile.pk}/basics/",
        {
            "headline": "Disputes counsel",
            "bio": "",
            "hourly_rate": "",
            "rate_currency": "",
            "weekly_capacity_hours": "",
        },
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.headline == "Disputes counsel" and profile.hourly_rate is None


def test_basics_errors_are_shown_next_to_the_field(client, profile):
    response = client.post(
        f"/lawyers/{profile.pk}/basics/",
        {
            "headline": "x",
            "bio": "",
            "hourly_rate": "-5",
            "rate_currency": "XXX",
            "weekly_capacity_hours": "200",
        },
    )
    assert response.status_code == 400
    content = response.content.decode()
    for field in ("hourly_rate", "rate_currency", "weekly_capacity_hours"):
        assert f'id="id_{field}_error"' in content
    profile.refresh_from_db()
    assert profile.headline == ""


def test_rate_without_currency_is_refused(client, profile):
    response = client.post(
        f"/lawyers/{profile.pk}/basics/",
        {
            "headline": "x",
            "bio": "",
            "hourly_rate": "300",
            "rate_currency": "",
            "weekly_capacity_hours": "10",
        },
    )
    assert response.status_code == 400
    assert "Give the hourly rate and its currency together" in response.content.decode()


def test_admissions_are_saved_normalised_and_unverified(client, profile):
    new_york = jurisdiction("US-NY")
    data = _formset(
        "admissions",
        [{"jurisdiction": new_york.pk, "registration_number": " 123 4567 ", "year_admitted": 2014}],
    )
    response = client.post(f"/lawyers/{profile.pk}/admissions/", data)
    assert response.status_code == 302
    admission = BarAdmission.objects.get(profile=profile)
    assert admission.registration_number == "1234567"
    assert admission.verified_at is None


def test_one_bad_row_saves_nothing(client, profile):
    new_york, england = jurisdiction("US-NY"), jurisdiction("GB-ENG")
    data = _formset(
        "admissions",
        [
            {"jurisdiction": new_york.pk, "registration_number": "1234567", "year_admitted": 2014},
            {"jurisdiction": england.pk, "registration_number": "123456", "year_admitted": 2999},
        ],
    )
    response = client.post(f"/lawyers/{profile.pk}/admissions/", data)
    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()
    assert not BarAdmission.objects.filter(profile=profile).exists()


def test_the_same_jurisdiction_twice_is_an_error_not_a_500(client, profile):
    new_york = jurisdiction("US-NY")
    row = {"jurisdiction": new_york.pk, "registration_number": "1234567", "year_admitted": 2014}
    response = client.post(f"/lawyers/{profile.pk}/admissions/", _formset("admissions", [row, row]))
    assert response.status_code == 400
    assert not BarAdmission.objects.filter(profile=profile).exists()


def test_experience_end_before_start_is_refused_next_to_the_field(client, profile):
    data = _formset(
        "experience",
        [
            {
                "organisation": "Acme",
                "role": "Counsel",
                "kind": "in_house",
                "start_date": "2020-01-01",
                "end_date": "2019-01-01",
            }
        ],
    )
    response = client.post(f"/lawyers/{profile.pk}/experience/", data)
    assert response.status_code == 400
    assert "end date must be on or after the start date" in response.content.decode()
    assert not Experience.objects.exists()


def test_unavailability_end_before_start_is_refused(client, profile):
    data = _formset("unavailability", [{"start": "2026-08-10", "end": "2026-08-01", "reason": "Holiday"}])
    response = client.post(f"/lawyers/{profile.pk}/unavailability/", data)
    assert response.status_code == 400
    assert "last day must be on or after the first day" in response.content.decode()
    assert not Unavailability.objects.exists()


def test_declared_conflicts_are_normalised_and_deduplicated(client, profile):
    data = _formset(
        "conflicts",
        [{"organisation": "Globex Corp.", "note": ""}, {"organisation": "GLOBEX CORP", "note": ""}],
    )
    response = client.post(f"/lawyers/{profile.pk}/conflicts/", data)
    assert response.status_code == 400
    assert "already listed" in response.content.decode()
    data = _formset("conflicts", [{"organisation": "  Globex Corp. ", "note": "former client"}])
    assert client.post(f"/lawyers/{profile.pk}/conflicts/", data).status_code == 302
    conflict = DeclaredConflict.objects.get(profile=profile)
    assert (conflict.organisation, conflict.organisation_normalised) == ("Globex Corp.", "globex corp")


def test_employers_are_stored_normalised_as_counterparties_are(client, profile):
    from engagements.matching import normalise_party_name

    data = _formset(
        "experience",
        [
            {
                "organisation": "Müller & Söhne, GmbH.",
                "role": "Counsel",
                "kind": "in_house",
                "start_date": "2018-01-01",
                "end_date": "",
            }
        ],
    )
    assert client.post(f"/lawyers/{profile.pk}/experience/", data).status_code == 302
    experience = Experience.objects.get(profile=profile)
    assert experience.organisation_normalised == "muller & sohne gmbh"
    assert experience.organisation_normalised == normalise_party_name("MULLER & SOHNE GMBH")


def test_languages_and_practice_areas(client, profile):
    area = practice_area("Data privacy", "Regulatory")
    assert (
        client.post(
            f"/lawyers/{profile.pk}/languages/", _formset("languages", [{"code": "de", "level": "fluent"}])
        ).status_code
        == 302
    )
    response = client.post(
        f"/lawyers/{profile.pk}/practice-areas/",
        _formset("practice-areas", [{"practice_area": area.pk, "years": 6, "proficiency": 3}]),
    )
    assert response.status_code == 302
    assert list(profile.languages.values_list("code", flat=True)) == ["de"]
    assert profile.practice_areas.get().get_proficiency_display() == "Expert"
    bad = client.post(
        f"/lawyers/{profile.pk}/languages/", _formset("languages", [{"code": "xx", "level": "fluent"}])
    )
    assert bad.status_code == 400


def test_seniority_is_derived_from_experience_since_admission(client, profile):
    data = _formset(
        "experience",
        [
            {
                "organisation": "Firm",
                "role": "Associate",
                "kind": "law_firm",
                "start_date": "2010-01-01",
                "end_date": "",
            }
        ],
    )
    client.post(f"/lawyers/{profile.pk}/experience/", data)
    profile.refresh_from_db()
    assert profile.seniority_years == 0  # no admission yet
    new_york = jurisdiction("US-NY")
    client.post(
        f"/lawyers/{profile.pk}/admissions/",
        _formset(
            "admissions",
            [{"jurisdiction": new_york.pk, "registration_number": "1234567", "year_admitted": 2016}],
        ),
    )
    profile.refresh_from_db()
    expected = (dt.date.today() - dt.date(2016, 1, 1)).days // 365.25
    assert profile.seniority_years == int(expected)
    assert f"{profile.seniority_years} years" in client.get(f"/lawyers/{profile.pk}/").content.decode()


def test_deleting_a_row(client, lawyer_user):
    profile = complete_profile(user=lawyer_user)
    client.force_login(lawyer_user)
    LanguageSkillFactory(profile=profile, code="fr")
    rows = [
        {"id": lang.pk, "code": lang.code, "level": lang.level} for lang in profile.languages.order_by("code")
    ]
    rows[1]["DELETE"] = "on"  # "fr"
    response = client.post(f"/lawyers/{profile.pk}/languages/", _formset("languages", rows, initial=2))
    assert response.status_code == 302
    assert list(profile.languages.values_list("code", flat=True)) == ["en"]


def test_submit_from_the_page_explains_what_is_missing(client, profile):
    response = client.post(f"/lawyers/{profile.pk}/submit/", follow=True)
    content = response.content.decode()
    assert "Your application is not complete yet" in content and "at least one bar admission" in content
    profile.refresh_from_db()
    assert profile.status == LawyerProfile.Status.DRAFT


def test_submit_from_the_page(client, lawyer_user, django_capture_on_commit_callbacks):
    profile = complete_profile(user=lawyer_user)
    client.force_login(lawyer_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/lawyers/{profile.pk}/submit/")
    content = client.get(f"/lawyers/{profile.pk}/").content.decode()
    assert "In review" in content
    assert "Registration number format" in content
    assert "Submit application" not in content


def test_the_page_shows_the_latest_decision_and_reason(client, lawyer_user, staff_user):
    from django.utils import timezone

    from lawyers import services

    profile = complete_profile(user=lawyer_user)
    LawyerProfile.objects.filter(pk=profile.pk).update(status="in_review", submitted_at=timezone.now())
    services.lawyer_profile_reject(profile=profile, by=staff_user, reason="The certificate has expired.")
    client.force_login(lawyer_user)
    content = client.get(f"/lawyers/{profile.pk}/").content.decode()
    assert 'id="decision-notice"' in content
    assert "The certificate has expired." in content
    assert "Resubmit application" in content


def test_failing_checks_say_what_to_fix(client, lawyer_user, django_capture_on_commit_callbacks):
    profile = complete_profile(user=lawyer_user)
    profile.admissions.update(registration_number="12")
    client.force_login(lawyer_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/lawyers/{profile.pk}/submit/")
    content = client.get(f"/lawyers/{profile.pk}/").content.decode()
    assert "is not a 7-digit attorney registration number" in content
    assert "Correct the registration number under Bar admissions." in content


def test_profile_page_queries_do_not_grow_with_rows(client, lawyer_user):
    profile = complete_profile(user=lawyer_user)
    client.force_login(lawyer_user)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/lawyers/{profile.pk}/").status_code == 200
        return len(queries)

    before = count()
    for code in ("GB-ENG", "DE", "SG"):
        BarAdmissionFactory(profile=profile, jurisdiction=jurisdiction(code))
    for year in (2001, 2005):
        ExperienceFactory(profile=profile, start_date=dt.date(year, 1, 1))
    LanguageSkillFactory(profile=profile, code="fr")
    assert count() == before


def test_staff_read_a_profile_page_reading_the_profile_once(client, staff_user):
    profile = complete_profile()
    BarAdmissionFactory(profile=profile, jurisdiction=jurisdiction("GB-ENG"), registration_number="55")
    client.force_login(staff_user)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/lawyers/{profile.pk}/")

    content = response.content.decode()
    assert response.status_code == 200
    assert profile.user.get_full_name() in content and "GB-ENG" in content
    profile_reads = [q for q in queries if 'FROM "lawyers_lawyerprofile"' in q["sql"]]
    area_reads = [q for q in queries if 'FROM "jurisdictions_practicearea"' in q["sql"]]
    assert len(profile_reads) == 1  # looked up once, its lists added to it
    assert not area_reads  # areas and their parents come with the profile's areas

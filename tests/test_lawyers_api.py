"""The lawyer API: own profile, admissions and availability for lawyers; the filtered list for staff."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse
from django.utils import timezone
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from lawyers import services
from lawyers.models import BarAdmission, LawyerProfile, Unavailability, VettingCheck
from tests.factories import LawyerUserFactory
from tests.factories_lawyers import (
    BarAdmissionFactory,
    LanguageSkillFactory,
    LawyerProfileFactory,
    PracticeAreaExperienceFactory,
    complete_profile,
    jurisdiction,
    practice_area,
)

pytestmark = pytest.mark.django_db
Status = LawyerProfile.Status

ME = reverse("api:my-lawyer-profile")
AVAILABILITY = reverse("api:my-availability")
ADMISSIONS = reverse("api:my-admission-list")
UNAVAILABILITIES = reverse("api:my-unavailability-list")
LAWYERS = reverse("api:lawyer-list")


def admission_url(pk: int) -> str:
    return reverse("api:my-admission-detail", kwargs={"pk": pk})


def unavailability_url(pk: int) -> str:
    return reverse("api:my-unavailability-detail", kwargs={"pk": pk})


def api_as(user=None) -> APIClient:  # type: ignore[no-untyped-def]
    api = APIClient()
    if user is not None:
        api.force_login(user)
    return api


@pytest.fixture
def lawyer():  # type: ignore[no-untyped-def]
    """A complete draft profile: one US-NY admission, M&A, English, one role, documents."""
    return complete_profile(user=LawyerUserFactory(email="lawyer-a@counsel.test", full_name="Ada Lawyer"))


@pytest.fixture
def other_lawyer():  # type: ignore[no-untyped-def]
    return complete_profile(user=LawyerUserFactory(email="lawyer-b@counsel.test", full_name="Ben Other"))


# --- own profile ----------------------------------------------------------------------------------------


def test_a_lawyer_reads_their_whole_profile(lawyer, django_assert_max_num_queries):
    api = api_as(lawyer.user)

    with django_assert_max_num_queries(10):
        response = api.get(ME)

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == lawyer.pk and body["email"] == "lawyer-a@counsel.test"
    assert body["status"] == Status.DRAFT
    assert [a["jurisdiction"]["code"] for a in body["admissions"]] == ["US-NY"]
    assert body["admissions"][0]["verified"] is False
    assert body["practice_areas"][0]["practice_area"]["parent"]["slug"] == "corporate"
    assert body["languages"] == [{"code": "en", "level": "native"}]
    assert len(body["experiences"]) == 1


@pytest.mark.parametrize("persona", ["client_owner", "staff_user"])
def test_anyone_without_a_profile_gets_404_on_the_me_endpoints(request, persona):
    api = api_as(request.getfixturevalue(persona))

    for url in (ME, AVAILABILITY, ADMISSIONS, UNAVAILABILITIES):
        assert api.get(url).status_code == 404, url
    assert api.patch(ME, {"headline": "x"}, format="json").status_code == 404
    assert (
        api.post(UNAVAILABILITIES, {"start": "2030-01-01", "end": "2030-01-02"}, format="json").status_code
        == 404
    )


def test_anonymous_requests_are_refused():
    api = api_as()

    for url in (ME, AVAILABILITY, ADMISSIONS, LAWYERS):
        assert api.get(url).status_code in (401, 403), url


def test_patch_changes_only_the_fields_sent(lawyer):
    api = api_as(lawyer.user)

    response = api.patch(ME, {"headline": "  Cross-border M&A, NY  "}, format="json")

    assert response.status_code == 200
    lawyer.refresh_from_db()
    assert lawyer.headline == "Cross-border M&A, NY"
    assert (lawyer.hourly_rate, lawyer.rate_currency, lawyer.weekly_capacity_hours) == (
        Decimal("250.00"),
        "USD",
        20,
    )
    assert lawyer.history.first().history_change_reason == "Basics edited"
    assert response.json()["headline"] == "Cross-border M&A, NY"


def test_a_rate_change_on_a_submitted_profile_reruns_the_checks(lawyer, django_capture_on_commit_callbacks):
    # given: a submitted application whose checks have run
    with django_capture_on_commit_callbacks(execute=True):
        services.lawyer_profile_submit(profile=lawyer, by=lawyer.user)
    VettingCheck.objects.filter(profile=lawyer).delete()
    api = api_as(lawyer.user)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = api.patch(ME, {"hourly_rate": "400.00", "rate_currency": "eur"}, format="json")

    # then
    assert response.status_code == 200
    assert response.json()["rate_currency"] == "EUR"
    assert set(VettingCheck.objects.filter(profile=lawyer).values_list("name", flat=True)) == {
        VettingCheck.Name.COMPLETENESS,
        VettingCheck.Name.SANCTIONS,
    }


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"hourly_rate": "cheap"}, "hourly_rate"),
        ({"hourly_rate": "0"}, "hourly_rate"),
        ({"hourly_rate": "123456789012"}, "hourly_rate"),
        ({"rate_currency": "XYZ"}, "rate_currency"),
        ({"rate_currency": ""}, "rate_currency"),  # a rate without its currency
        ({"weekly_capacity_hours": 0}, "weekly_capacity_hours"),
        ({"weekly_capacity_hours": 81}, "weekly_capacity_hours"),
        ({"headline": "x" * 201}, "headline"),
    ],
)
def test_bad_basics_get_400_with_the_field_and_change_nothing(lawyer, payload, field):
    api = api_as(lawyer.user)

    response = api.patch(ME, payload, format="json")

    assert response.status_code == 400
    assert field in response.json()
    lawyer.refresh_from_db()
    assert (lawyer.hourly_rate, lawyer.rate_currency, lawyer.weekly_capacity_hours) == (
        Decimal("250.00"),
        "USD",
        20,
    )


def test_malformed_json_gets_400(lawyer):
    api = api_as(lawyer.user)

    response = api.generic("PATCH", ME, "{not json", content_type="application/json")

    assert response.status_code == 400


# --- admissions -------------------------------------------------------------------------------------------


def test_a_lawyer_lists_and_adds_admissions(lawyer):
    api = api_as(lawyer.user)

    response = api.post(
        ADMISSIONS,
        {"jurisdiction": "gb-eng", "registration_number": " 123 456 ", "year_admitted": 2015},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["jurisdiction"]["code"] == "GB-ENG"
    assert body["registration_number"] == "123456"  # normalised, as the portal does
    assert body["verified"] is False
    listed = api.get(ADMISSIONS).json()
    assert sorted(a["jurisdiction"]["code"] for a in listed) == ["GB-ENG", "US-NY"]


def test_adding_an_admission_to_a_submitted_profile_reruns_its_checks(
    lawyer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.lawyer_profile_submit(profile=lawyer, by=lawyer.user)
    VettingCheck.objects.filter(profile=lawyer).delete()
    api = api_as(lawyer.user)

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            ADMISSIONS,
            {"jurisdiction": "DE", "registration_number": "12", "year_admitted": 2014},
            format="json",
        )

    assert response.status_code == 201
    check = VettingCheck.objects.get(profile=lawyer, name=VettingCheck.Name.REGISTRATION_FORMAT)
    assert check.result == VettingCheck.Result.FAIL  # "12" is not a Rechtsanwaltskammer number


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ({"jurisdiction": "ZZ", "registration_number": "1", "year_admitted": 2010}, "jurisdiction"),
        (
            {"jurisdiction": "US-AK", "registration_number": "1", "year_admitted": 2010},
            "jurisdiction",
        ),  # not active
        ({"jurisdiction": "GB-ENG", "registration_number": "", "year_admitted": 2010}, "registration_number"),
        ({"jurisdiction": "GB-ENG", "registration_number": "1", "year_admitted": 1900}, "year_admitted"),
        ({"jurisdiction": "GB-ENG", "registration_number": "1", "year_admitted": 2999}, "year_admitted"),
        ({"jurisdiction": "GB-ENG", "registration_number": "1", "year_admitted": "soon"}, "year_admitted"),
        (
            {"jurisdiction": "US-NY", "registration_number": "7654321", "year_admitted": 2010},
            "detail",
        ),  # twice
    ],
)
def test_bad_admissions_get_400_with_a_reason(lawyer, payload, reason):
    api = api_as(lawyer.user)

    response = api.post(ADMISSIONS, payload, format="json")

    assert response.status_code == 400
    assert reason in response.json()
    assert lawyer.admissions.count() == 1


def test_a_lawyer_removes_their_own_admission(lawyer):
    admission = lawyer.admissions.get()
    api = api_as(lawyer.user)

    response = api.delete(admission_url(admission.pk))

    assert response.status_code == 204
    assert not BarAdmission.objects.filter(pk=admission.pk).exists()


def test_it_checks_ownership_of_admissions(lawyer, other_lawyer, client_owner, staff_user):
    theirs = other_lawyer.admissions.get()

    # the owner can; another lawyer, a client and staff (on the "me" routes) cannot even see it
    assert api_as(other_lawyer.user).get(admission_url(theirs.pk)).status_code == 200
    for outsider in (lawyer.user, client_owner, staff_user):
        api = api_as(outsider)
        assert api.get(admission_url(theirs.pk)).status_code == 404
        assert api.delete(admission_url(theirs.pk)).status_code == 404
    assert BarAdmission.objects.filter(pk=theirs.pk).exists()
    assert theirs.pk not in [a["id"] for a in api_as(lawyer.user).get(ADMISSIONS).json()]


def test_a_non_numeric_id_is_404_not_500(lawyer):
    assert api_as(lawyer.user).get(ADMISSIONS + "abc/").status_code == 404


# --- availability -----------------------------------------------------------------------------------------


def test_a_lawyer_reads_and_changes_their_capacity(lawyer):
    Unavailability.objects.create(profile=lawyer, start=dt.date(2030, 1, 1), end=dt.date(2030, 1, 14))
    api = api_as(lawyer.user)

    assert api.get(AVAILABILITY).json() == {
        "weekly_capacity_hours": 20,
        "unavailabilities": [
            {"id": lawyer.unavailabilities.get().pk, "start": "2030-01-01", "end": "2030-01-14", "reason": ""}
        ],
    }
    response = api.patch(AVAILABILITY, {"weekly_capacity_hours": 35}, format="json")

    assert response.status_code == 200
    assert response.json()["weekly_capacity_hours"] == 35
    lawyer.refresh_from_db()
    assert (lawyer.weekly_capacity_hours, lawyer.headline, lawyer.hourly_rate) == (
        35,
        "Corporate counsel",
        Decimal("250.00"),
    )
    assert api.patch(AVAILABILITY, {"weekly_capacity_hours": 0}, format="json").status_code == 400
    assert api.patch(AVAILABILITY, {}, format="json").status_code == 400


def test_a_lawyer_adds_and_removes_unavailable_dates(lawyer):
    api = api_as(lawyer.user)

    created = api.post(
        UNAVAILABILITIES, {"start": "2030-07-01", "end": "2030-07-14", "reason": "Leave"}, format="json"
    )
    refused = api.post(UNAVAILABILITIES, {"start": "2030-07-14", "end": "2030-07-01"}, format="json")
    garbled = api.post(UNAVAILABILITIES, {"start": "July", "end": "2030-07-01"}, format="json")

    assert created.status_code == 201 and created.json()["reason"] == "Leave"
    assert refused.status_code == 400 and "end" in refused.json()
    assert garbled.status_code == 400 and "start" in garbled.json()
    assert [u["id"] for u in api.get(UNAVAILABILITIES).json()] == [created.json()["id"]]
    assert api.delete(unavailability_url(created.json()["id"])).status_code == 204
    assert not lawyer.unavailabilities.exists()


def test_it_checks_ownership_of_unavailable_dates(lawyer, other_lawyer):
    theirs = Unavailability.objects.create(
        profile=other_lawyer, start=dt.date(2030, 1, 1), end=dt.date(2030, 1, 2)
    )
    api = api_as(lawyer.user)

    assert api.get(unavailability_url(theirs.pk)).status_code == 404
    assert api.delete(unavailability_url(theirs.pk)).status_code == 404
    assert Unavailability.objects.filter(pk=theirs.pk).exists()


# --- the staff list ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["client_owner", "lawyer"])
def test_only_staff_list_lawyers(request, persona, other_lawyer):
    user = request.getfixturevalue(persona)
    user = getattr(user, "user", user)
    api = api_as(user)

    assert api.get(LAWYERS).status_code == 403
    assert api.get(reverse("api:lawyer-detail", kwargs={"pk": other_lawyer.pk})).status_code == 403


def test_staff_list_and_read_lawyers(staff_user, lawyer, other_lawyer):
    api = api_as(staff_user)

    listed = api.get(LAWYERS).json()
    detail = api.get(reverse("api:lawyer-detail", kwargs={"pk": lawyer.pk}))

    assert listed["count"] == 2
    assert [row["id"] for row in listed["results"]] == [lawyer.pk, other_lawyer.pk]
    assert detail.status_code == 200 and detail.json()["email"] == "lawyer-a@counsel.test"
    # the list gives each lawyer's summary; the whole profile (experience, conflicts…) is the detail's
    row = listed["results"][0]
    assert row["email"] == "lawyer-a@counsel.test" and row["admissions"] and row["practice_areas"]
    assert "experiences" not in row and "declared_conflicts" not in row
    assert {"experiences", "unavailabilities", "declared_conflicts", "bio"} <= set(detail.json())


def _lawyer(email, *, code, verified, area, parent, language, rate, currency, status=Status.VETTED):  # type: ignore[no-untyped-def]
    profile = LawyerProfileFactory(
        user=LawyerUserFactory(email=email), hourly_rate=Decimal(rate), rate_currency=currency, status=status
    )
    BarAdmissionFactory(
        profile=profile, jurisdiction=jurisdiction(code), verified_at=timezone.now() if verified else None
    )
    PracticeAreaExperienceFactory(profile=profile, practice_area=practice_area(area, parent))
    LanguageSkillFactory(profile=profile, code=language)
    return profile


@pytest.fixture
def network():  # type: ignore[no-untyped-def]
    """NY M&A at 500 USD (away next week), English data privacy at 300 GBP, a German PE draft at 200 EUR."""
    ny = _lawyer(
        "ny@x.test",
        code="US-NY",
        verified=True,
        area="M&A",
        parent="Corporate",
        language="en",
        rate="500",
        currency="USD",
    )
    today = timezone.localdate()
    Unavailability.objects.create(
        profile=ny, start=today + dt.timedelta(days=7), end=today + dt.timedelta(days=13)
    )
    gb = _lawyer(
        "gb@x.test",
        code="GB-ENG",
        verified=False,
        area="Data privacy",
        parent="Regulatory",
        language="fr",
        rate="300",
        currency="GBP",
    )
    de = _lawyer(
        "de@x.test",
        code="DE",
        verified=True,
        area="Private equity",
        parent="Corporate",
        language="de",
        rate="200",
        currency="EUR",
        status=Status.DRAFT,
    )
    return {"ny": ny, "gb": gb, "de": de}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("jurisdiction=US-NY", {"ny"}),
        ("jurisdiction=gb-eng", {"gb"}),
        ("jurisdiction=US-NY,DE", {"ny", "de"}),
        ("verified_jurisdiction=GB-ENG", set()),
        ("verified_jurisdiction=DE", {"de"}),
        ("practice_area=corporate", {"ny", "de"}),  # a parent matches its sub-areas
        ("practice_area=m-and-a", {"ny"}),
        ("status=draft", {"de"}),
        ("status=vetted&status=draft", {"ny", "gb", "de"}),
        ("language=FR", {"gb"}),
        # 300 GBP = 381 USD and 200 EUR = 216 USD at the reference rates (GBP 1.27, EUR 1.08)
        ("min_rate=300", {"ny", "gb"}),
        ("min_rate=300&max_rate=400&currency=USD", {"gb"}),
        ("max_rate=250&currency=eur", {"de"}),
        ("min_rate=200&currency=GBP", {"ny", "gb"}),
        ("available_start={week}&available_end={week_end}", {"gb", "de"}),
        ("available_start={week_end}", {"gb", "de"}),
        ("available_start={today}&available_end={tomorrow}", {"ny", "gb", "de"}),
        ("search=gb@x", {"gb"}),
    ],
)
def test_staff_filter_lawyers(staff_user, network, query, expected):
    today = timezone.localdate()
    query = query.format(
        today=today,
        tomorrow=today + dt.timedelta(days=1),
        week=today + dt.timedelta(days=10),
        week_end=today + dt.timedelta(days=13),
    )

    response = api_as(staff_user).get(f"{LAWYERS}?{query}")

    assert response.status_code == 200, response.json()
    by_id = {profile.pk: name for name, profile in network.items()}
    assert {by_id[row["id"]] for row in response.json()["results"]} == expected


def test_staff_filter_by_practice_area_id(staff_user, network):
    area = practice_area("Data privacy", "Regulatory")

    response = api_as(staff_user).get(f"{LAWYERS}?practice_area={area.pk}")

    assert [row["id"] for row in response.json()["results"]] == [network["gb"].pk]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("practice_area=underwater-basket-weaving", "practice_area"),
        ("practice_area=999999", "practice_area"),
        ("status=famous", "status"),
        ("min_rate=lots", "min_rate"),
        ("min_rate=-5", "min_rate"),
        ("min_rate=500&max_rate=100", "max_rate"),
        ("min_rate=100&currency=EURO", "currency"),
        ("min_rate=100&currency=BTN", "detail"),  # a real currency without a stored exchange rate
        ("available_start=tomorrow", "available_start"),
        ("available_start=2030-02-01&available_end=2030-01-01", "available_end"),
    ],
)
def test_bad_filters_get_400_with_a_reason(staff_user, network, query, field):
    response = api_as(staff_user).get(f"{LAWYERS}?{query}")

    assert response.status_code == 400
    assert field in response.json()


def test_staff_list_queries_do_not_grow_with_rows(staff_user, django_assert_max_num_queries):
    api = api_as(staff_user)
    for n in range(3):
        complete_profile(user=LawyerUserFactory(email=f"few{n}@x.test"))
    with CaptureQueriesContext(connection) as few:
        api.get(f"{LAWYERS}?jurisdiction=US-NY&min_rate=100&available_start=2030-01-01")
    for n in range(25):
        profile = complete_profile(user=LawyerUserFactory(email=f"many{n}@x.test"))
        BarAdmissionFactory(profile=profile, jurisdiction=jurisdiction("GB-ENG"))
        Unavailability.objects.create(profile=profile, start=dt.date(2029, 1, 1), end=dt.date(2029, 1, 2))

    # session, user, count, page, then one query per prefetched list (admissions with their
    # jurisdictions, practice areas with theirs, languages, experiences, unavailabilities, conflicts)
    with django_assert_max_num_queries(11), CaptureQueriesContext(connection) as many:
        response = api.get(f"{LAWYERS}?jurisdiction=US-NY&min_rate=100&available_start=2030-01-01")

    assert response.json()["count"] == 28
    assert len(many) == len(few)


def test_the_lawyer_routes_have_a_valid_schema_without_warnings():
    GENERATOR_STATS.reset()
    generator = SchemaGenerator(patterns=[path("api/v1/", include("lawyers.api_urls"))])

    schema = generator.get_schema(request=None, public=True)

    validate_schema(schema)
    assert not GENERATOR_STATS  # no warning, no error
    assert {
        "/api/v1/me/lawyer-profile/",
        "/api/v1/me/lawyer-profile/admissions/{id}/",
        "/api/v1/lawyers/",
    } <= set(schema["paths"])


def test_staff_list_items_are_the_summary_serializer_output(staff_user, network):
    """The list builds its items from values; each is exactly what the summary serializer gives that
    profile (nested admissions, areas with parents, languages, dates, rates, nulls)."""
    import json

    from rest_framework.renderers import JSONRenderer

    from lawyers.api import _whole_profiles
    from lawyers.serializers import LawyerSummaryOutputSerializer

    ny = network["ny"]
    BarAdmissionFactory(profile=ny, jurisdiction=jurisdiction("GB-ENG"), registration_number="77")
    PracticeAreaExperienceFactory(profile=ny, practice_area=practice_area("Corporate", "Corporate").parent)
    LanguageSkillFactory(profile=ny, code="de")
    LawyerProfile.objects.filter(pk=ny.pk).update(submitted_at=timezone.now(), decided_at=timezone.now())
    bare = LawyerProfileFactory()  # no rate, no admissions, nothing submitted

    response = api_as(staff_user).get(f"{LAWYERS}?ordering=id")

    profiles = _whole_profiles(LawyerProfile.objects.select_related("user").order_by("id"))
    expected = [dict(LawyerSummaryOutputSerializer(profile).data) for profile in profiles]
    assert response.json()["results"] == json.loads(JSONRenderer().render(expected))
    assert {row["id"] for row in response.json()["results"]} >= {ny.pk, bare.pk}

"""`seed_demo` and `demo_logins`: the demo accounts and a deterministic, plausible, idempotent network."""

import io
import re
from itertools import pairwise

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import ClientOrganisation, Membership, User
from jurisdictions.models import Jurisdiction
from lawyers.management.demo import (
    LAWYER_EMAIL_DOMAIN,
    MAX_DEMO_LAWYERS,
    number_space,
    registration_number,
)
from lawyers.management.demo_accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from lawyers.models import BarAdmission, LawyerProfile, VettingDecision
from lawyers.selectors import lawyers_matchable
from lawyers.services import lawyer_profile_recompute_seniority, lawyer_profile_suspend
from lawyers.vetting import REGISTRATION_FORMATS, check_admission_year, check_registration_duplicate

Status = LawyerProfile.Status
pytestmark = pytest.mark.django_db


def seed(lawyers: int = 40, seed: int = 7, *args: str) -> str:
    out = io.StringIO()
    call_command(
        "seed_demo",
        f"--lawyers={lawyers}",
        f"--seed={seed}",
        "--no-progress",
        *args,
        stdout=out,
        stderr=io.StringIO(),
    )
    return out.getvalue()


def generated() -> "list[tuple[str, str, str, list[tuple[str, str, int]]]]":
    """What a user would see of the generated lawyers: email, name, status, admissions, by email."""
    profiles = (
        LawyerProfile.objects.filter(user__email__endswith=f"@{LAWYER_EMAIL_DOMAIN}")
        .select_related("user")
        .prefetch_related("admissions__jurisdiction")
        .order_by("user__email")
    )
    return [
        (
            profile.user.email,
            profile.user.full_name,
            profile.status,
            sorted(
                (a.jurisdiction.code, a.registration_number, a.year_admitted)
                for a in profile.admissions.all()
            ),
        )
        for profile in profiles
    ]


def test_it_creates_the_lawyers_and_the_demo_accounts():
    # when
    output = seed(40)

    # then
    lawyers = User.objects.filter(email__endswith=f"@{LAWYER_EMAIL_DOMAIN}")
    assert lawyers.count() == 40
    assert LawyerProfile.objects.filter(user__in=lawyers).count() == 40
    for account in DEMO_ACCOUNTS:
        assert User.objects.filter(email=account.email).exists()
        assert account.email in output
    assert DEMO_PASSWORD in output
    acme = ClientOrganisation.objects.get(name="Acme Holdings")
    assert set(acme.memberships.values_list("user__email", "role")) == {
        ("client@demo.test", Membership.Role.OWNER),
        ("colleague@demo.test", Membership.Role.MEMBER),
    }
    assert Membership.objects.get(user__email="globex@demo.test").organisation.name == "Globex Corporation"
    staff = User.objects.get(email="staff@demo.test")
    assert staff.is_staff and staff.is_superuser
    assert all(user.email_verified for user in User.objects.filter(email__endswith="@demo.test"))


def test_generated_profiles_are_complete_and_plausible():
    seed(40)

    profiles = LawyerProfile.objects.filter(user__email__endswith=f"@{LAWYER_EMAIL_DOMAIN}").prefetch_related(
        "admissions", "practice_areas__practice_area", "languages", "experiences"
    )
    for profile in profiles:
        assert re.fullmatch(r"[a-z0-9-]+\.[a-z0-9-]+\.\d+@lawyers\.demo", profile.user.email)
        assert not profile.user.has_usable_password()
        assert profile.headline and profile.hourly_rate > 0 and profile.rate_currency
        assert 10 <= profile.weekly_capacity_hours <= 40
        assert 1 <= len(profile.admissions.all()) <= 3
        assert 1 <= len(profile.practice_areas.all()) <= 4
        assert all(area.practice_area.parent_id for area in profile.practice_areas.all())  # leaf areas
        assert profile.languages.all()
        experiences = profile.experiences.all()
        assert 1 <= len(experiences) <= 4
        assert all(e.end_date is None or e.end_date >= e.start_date for e in experiences)
        assert all(e.start_date <= timezone.localdate() for e in experiences)
    statuses = set(profiles.values_list("status", flat=True))
    assert Status.VETTED in statuses and len(statuses) > 1


def test_employers_and_declared_conflicts_are_stored_normalised_for_matching(monkeypatch):
    from lawyers.models import DeclaredConflict, Experience
    from lawyers.rules import normalise_organisation_name

    analysed = []
    monkeypatch.setattr(
        "lawyers.management.commands.seed_demo.demo_tables_analyze", lambda: analysed.append(True)
    )
    seed(60)

    rows = [*Experience.objects.values_list("organisation", "organisation_normalised")]
    rows += [*DeclaredConflict.objects.values_list("organisation", "organisation_normalised")]
    assert rows and all(stored == normalise_organisation_name(name) for name, stored in rows)
    assert analysed == [True]  # the planner's statistics are refreshed once, after writing
    seed(60)
    assert analysed == [True]  # nothing written, nothing to refresh


def test_analyze_after_seeding_runs_on_postgresql_and_is_skipped_elsewhere():
    from django.db import connection

    from lawyers.management.seeding import demo_tables_analyze

    demo_tables_analyze()  # inside the test's transaction: ANALYZE (VACUUM cannot run there)
    assert connection.vendor in ("postgresql", "sqlite")


def test_the_same_seed_gives_the_same_lawyers():
    seed(40, 7)
    first = generated()

    # when: deleted and made again
    seed(40, 7, "--reset")

    # then
    assert generated() == first
    seed(40, 8, "--reset")
    assert generated() != first


def test_a_second_run_adds_nothing_and_is_cheap(django_assert_max_num_queries):
    seed(40)
    counts = (User.objects.count(), BarAdmission.objects.count(), VettingDecision.objects.count())

    # when
    with django_assert_max_num_queries(12):
        output = seed(40)

    # then
    assert "Already seeded" in output
    assert (User.objects.count(), BarAdmission.objects.count(), VettingDecision.objects.count()) == counts


def test_a_larger_number_tops_up_without_changing_the_first_lawyers():
    seed(25)
    first = generated()

    # when
    seed(40)

    # then
    topped_up = generated()
    assert len(topped_up) == 40
    assert all(row in topped_up for row in first)
    seed(40, 7, "--reset")
    assert generated() == topped_up


def test_another_seed_is_refused_without_reset():
    seed(20, 1)

    with pytest.raises(CommandError, match="another seed"):
        seed(30, 2)
    assert "Nothing to do" in seed(10, 2)
    assert User.objects.filter(email__endswith=f"@{LAWYER_EMAIL_DOMAIN}").count() == 20


def test_reset_keeps_the_demo_accounts_and_forgets_the_generated_lawyers():
    seed(20)
    profile_ids = list(
        LawyerProfile.objects.filter(user__email__endswith=LAWYER_EMAIL_DOMAIN).values_list("pk", flat=True)
    )

    seed(0, 7, "--reset")

    assert not User.objects.filter(email__endswith=f"@{LAWYER_EMAIL_DOMAIN}").exists()
    assert not LawyerProfile.history.filter(id__in=profile_ids).exists()
    assert User.objects.filter(email__in=[a.email for a in DEMO_ACCOUNTS]).count() == len(DEMO_ACCOUNTS)


def test_vetted_lawyers_have_verified_admissions_and_the_decisions_that_led_there():
    seed(60)
    staff = User.objects.get(email="staff@demo.test")

    profiles = LawyerProfile.objects.filter(user__email__endswith=LAWYER_EMAIL_DOMAIN).prefetch_related(
        "admissions__jurisdiction", "decisions"
    )
    for profile in profiles:
        admissions = profile.admissions.all()
        assert all(a.jurisdiction.is_active for a in admissions)
        decisions = sorted(profile.decisions.all(), key=lambda d: d.at)
        if profile.status in (Status.VETTED, Status.SUSPENDED):
            assert all(a.verified_at is not None and a.verified_by_id == staff.pk for a in admissions)
            assert profile.decided_at is not None
        if profile.status in (Status.DRAFT, Status.APPLIED, Status.REJECTED):
            assert not any(a.verified_at for a in admissions)
        if profile.status == Status.DRAFT:
            assert decisions == [] and profile.submitted_at is None
        else:
            assert decisions[0].from_status == Status.DRAFT and decisions[-1].to_status == profile.status
            assert all(a.to_status == b.from_status for a, b in pairwise(decisions))
            assert all(d.notified_at for d in decisions)  # nothing left to email to demo addresses
    vetted = profiles.filter(status=Status.VETTED).count()
    assert lawyers_matchable().filter(user__email__endswith=LAWYER_EMAIL_DOMAIN).count() == vetted


def test_registration_numbers_pass_the_vetting_checks():
    seed(60)
    today = timezone.localdate()

    profiles = LawyerProfile.objects.filter(user__email__endswith=LAWYER_EMAIL_DOMAIN)
    for profile in profiles:
        for admission in profile.admissions.select_related("jurisdiction"):
            expected = REGISTRATION_FORMATS.get(admission.jurisdiction.code)
            assert expected is None or expected.matches(admission.registration_number)
        assert check_registration_duplicate(profile, today=today).result == "pass"
        assert check_admission_year(profile, today=today).result == "pass"


def test_seniority_is_what_the_services_derive():
    seed(40)

    for profile in LawyerProfile.objects.filter(user__email__endswith=LAWYER_EMAIL_DOMAIN):
        stored = profile.seniority_years
        assert lawyer_profile_recompute_seniority(profile=profile) == stored


@pytest.mark.parametrize("code", ["US-NY", "US-CA", "US-TX", "GB-ENG", "DE", "SG", "IN", "CN", "KY"])
def test_registration_numbers_never_repeat_within_a_jurisdiction(code):
    numbers = {registration_number(code, x, 2010) for x in range(MAX_DEMO_LAWYERS)}

    assert len(numbers) == MAX_DEMO_LAWYERS
    assert registration_number(code, number_space(code) - 1, 2010) not in numbers or code == "SG"
    expected = REGISTRATION_FORMATS.get(code)
    assert expected is None or all(expected.matches(n) for n in list(numbers)[:1000])


def test_the_demo_accounts_can_log_in(client):
    seed(5)

    for account in DEMO_ACCOUNTS:
        response = client.post(reverse("login"), {"username": account.email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, account.email
        assert client.session["_auth_user_id"] == str(User.objects.get(email=account.email).pk)
        client.logout()
    bulk = User.objects.filter(email__endswith=LAWYER_EMAIL_DOMAIN).first()
    response = client.post(reverse("login"), {"username": bulk.email, "password": bulk.password})
    assert "_auth_user_id" not in client.session


def test_the_demo_lawyer_is_vetted_with_verified_admissions_and_documents():
    seed(0)

    profile = LawyerProfile.objects.get(user__email="lawyer@demo.test")
    assert profile.status == Status.VETTED
    assert set(
        profile.admissions.filter(verified_at__isnull=False).values_list("jurisdiction__code", flat=True)
    ) == {
        "US-NY",
        "GB-ENG",
    }
    assert profile.practice_areas.filter(practice_area__slug="m-and-a").exists()
    assert profile.documents.count() == 2
    assert lawyers_matchable().filter(pk=profile.pk).exists()
    assert profile.seniority_years >= 10


def test_demo_logins_prints_every_account_and_the_password():
    seed(0)
    out = io.StringIO()

    call_command("demo_logins", stdout=out)

    for account in DEMO_ACCOUNTS:
        assert account.email in out.getvalue()
    assert DEMO_PASSWORD in out.getvalue()
    assert "not created yet" not in out.getvalue()


def test_demo_logins_says_when_the_accounts_are_missing():
    out = io.StringIO()

    call_command("demo_logins", stdout=out)

    assert "not created yet" in out.getvalue()


def test_out_of_range_arguments_are_refused():
    with pytest.raises(CommandError, match="between 0"):
        seed(MAX_DEMO_LAWYERS + 1)
    with pytest.raises(CommandError, match="chunk-size"):
        seed(10, 1, "--chunk-size=0")


def test_small_chunks_give_the_same_lawyers():
    seed(30, 7, "--chunk-size=7")
    chunked = generated()

    seed(30, 7, "--reset")

    assert generated() == chunked
    assert Jurisdiction.objects.filter(is_active=True).exists()


def test_a_demo_lawyer_left_half_vetted_is_vetted_by_the_next_run():
    seed(0)
    profile = LawyerProfile.objects.get(user__email="lawyer@demo.test")
    # given: a run that stopped after the submission (e.g. the broker was down)
    LawyerProfile.objects.filter(pk=profile.pk).update(status=Status.APPLIED)
    BarAdmission.objects.filter(profile=profile).update(verified_at=None, verified_by=None)

    seed(0)

    profile.refresh_from_db()
    assert profile.status == Status.VETTED
    assert not profile.admissions.filter(verified_at__isnull=True).exists()


def test_a_suspended_demo_lawyer_stays_suspended():
    seed(0)
    profile = LawyerProfile.objects.get(user__email="lawyer@demo.test")
    staff = User.objects.get(email="staff@demo.test")
    lawyer_profile_suspend(profile=profile, by=staff, reason="Trying out suspensions.")

    seed(0)

    profile.refresh_from_db()
    assert profile.status == Status.SUSPENDED

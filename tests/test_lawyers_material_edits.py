"""Edits after vetting re-run only the checks they affect, keep the lawyer vetted, keep matching honest."""

from decimal import Decimal

import pytest
from django.utils import timezone

from lawyers import selectors, services
from lawyers.models import BarAdmission, LawyerProfile, VettingCheck
from marketplace.errors import DomainError
from tests.factories_lawyers import complete_profile, jurisdiction

pytestmark = pytest.mark.django_db
Status = LawyerProfile.Status


@pytest.fixture
def vetted(staff_user, django_capture_on_commit_callbacks):
    profile = complete_profile()
    with django_capture_on_commit_callbacks(execute=True):
        services.lawyer_profile_submit(profile=profile, by=profile.user)
    admission = profile.admissions.get()
    services.bar_admission_verify(admission=admission, by=staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        services.lawyer_profile_approve(profile=profile, by=staff_user)
    profile.refresh_from_db()
    assert profile.status == Status.VETTED
    return profile


def _ran_at(profile: LawyerProfile) -> dict[str, object]:
    return dict(profile.checks.values_list("name", "ran_at"))


def test_a_new_admission_is_checked_and_unverified_but_the_lawyer_stays_vetted(
    vetted, django_capture_on_commit_callbacks
):
    before = _ran_at(vetted)
    england = BarAdmission(jurisdiction=jurisdiction("GB-ENG"), registration_number="12", year_admitted=2015)
    with django_capture_on_commit_callbacks(execute=True):
        services.lawyer_profile_items_save(
            profile=vetted, section="admissions", saved=[england], deleted=[], by=vetted.user
        )
    vetted.refresh_from_db()
    assert vetted.status == Status.VETTED
    england.refresh_from_db()
    assert england.verified_at is None
    assert vetted.admissions.filter(verified_at__isnull=False).count() == 1  # the New York one stays verified
    after = _ran_at(vetted)
    rerun = {name for name in after if after[name] != before[name]}
    assert rerun == {
        "completeness",
        "registration_format",
        "registration_duplicate",
        "admission_year",
        "sanctions",
    }
    assert vetted.checks.get(name="registration_format").result == VettingCheck.Result.FAIL
    assert vetted in selectors.lawyers_matchable()


def test_changing_a_verified_admission_makes_it_unverified(vetted, django_capture_on_commit_callbacks):
    admission = vetted.admissions.get()
    admission.registration_number = "7777777"
    with django_capture_on_commit_callbacks(execute=True):
        services.lawyer_profile_items_save(
            profile=vetted, section="admissions", saved=[admission], deleted=[], by=vetted.user
        )
    admission.refresh_from_db()
    assert admission.verified_at is None and admission.verified_by is None
    vetted.refresh_from_db()
    assert vetted.status == Status.VETTED
    # With no verified admission left, the lawyer is not matched until staff verify the new number.
    assert vetted not in selectors.lawyers_matchable()


def test_resaving_an_unchanged_admission_keeps_it_verified(vetted, django_capture_on_commit_callbacks):
    admission = vetted.admissions.get()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.lawyer_profile_items_save(
            profile=vetted, section="admissions", saved=[admission], deleted=[], by=vetted.user
        )
    admission.refresh_from_db()
    assert admission.verified_at is not None
    assert callbacks == []  # nothing material: no checks queued


def test_a_rate_change_reruns_the_rate_checks_only(vetted, django_capture_on_commit_callbacks):
    before = _ran_at(vetted)
    with django_capture_on_commit_callbacks(execute=True):
        services.lawyer_profile_update(
            profile=vetted,
            by=vetted.user,
            headline=vetted.headline,
            bio=vetted.bio,
            hourly_rate=Decimal("310.00"),
            rate_currency="eur",
            weekly_capacity_hours=vetted.weekly_capacity_hours,
        )
    vetted.refresh_from_db()
    assert (vetted.hourly_rate, vetted.rate_currency, vetted.status) == (
        Decimal("310.00"),
        "EUR",
        Status.VETTED,
    )
    after = _ran_at(vetted)
    assert {name for name in after if after[name] != before[name]} == {"completeness", "sanctions"}
    assert vetted.history.first().history_change_reason == "Rate changed"


def test_an_unchanged_rate_queues_nothing(vetted, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.lawyer_profile_update(
            profile=vetted,
            by=vetted.user,
            headline="New headline",
            bio=vetted.bio,
            hourly_rate=vetted.hourly_rate,
            rate_currency=vetted.rate_currency,
            weekly_capacity_hours=vetted.weekly_capacity_hours,
        )
    assert callbacks == []


def test_drafts_are_not_checked_on_every_edit(django_capture_on_commit_callbacks):
    profile = complete_profile()
    england = BarAdmission(
        jurisdiction=jurisdiction("GB-ENG"), registration_number="123456", year_admitted=2015
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.lawyer_profile_items_save(
            profile=profile, section="admissions", saved=[england], deleted=[], by=profile.user
        )
    assert not profile.checks.exists()


def test_matchable_means_vetted_with_a_verified_admission(vetted, staff_user):
    assert list(selectors.lawyers_matchable()) == [vetted]
    draft = complete_profile()
    draft.admissions.update(verified_at=timezone.now())
    assert draft not in selectors.lawyers_matchable()


def test_suspension_removes_a_lawyer_from_matching_and_reinstating_restores(vetted, staff_user):
    services.lawyer_profile_suspend(profile=vetted, by=staff_user, reason="Complaint")
    assert vetted not in selectors.lawyers_matchable()
    services.lawyer_profile_reinstate(profile=vetted, by=staff_user, reason="Cleared")
    assert vetted in selectors.lawyers_matchable()


def test_verifying_twice_changes_nothing(vetted, staff_user):
    admission = vetted.admissions.get()
    first = admission.verified_at
    assert services.bar_admission_verify(admission=admission, by=staff_user) is False
    admission.refresh_from_db()
    assert admission.verified_at == first


def test_only_staff_verify(vetted):
    admission = vetted.admissions.get()
    with pytest.raises(DomainError, match="talent team"):
        services.bar_admission_verify(admission=admission, by=vetted.user)

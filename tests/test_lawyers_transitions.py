"""The vetting state machine: every legal move, illegal moves refused, reasons, audit trail, emails."""

import pytest
from django.utils import timezone

from lawyers import services
from lawyers.models import LawyerProfile, VettingDecision
from marketplace.errors import ConflictError, DomainError
from tests.factories_lawyers import BarAdmissionFactory, LawyerProfileFactory, complete_profile

pytestmark = pytest.mark.django_db
Status = LawyerProfile.Status


def _in_status(status: str, **fields) -> LawyerProfile:
    profile = complete_profile(**fields)
    profile.admissions.update(verified_at=timezone.now())
    LawyerProfile.objects.filter(pk=profile.pk).update(status=status, submitted_at=timezone.now())
    profile.refresh_from_db()
    return profile


def test_submit_moves_draft_to_applied_runs_checks_then_in_review(
    django_capture_on_commit_callbacks, mailoutbox
):
    # given
    profile = complete_profile()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        services.lawyer_profile_submit(profile=profile, by=profile.user)
    # then
    profile.refresh_from_db()
    assert profile.status == Status.IN_REVIEW
    assert profile.submitted_at is not None
    assert profile.checks.count() == 6
    moves = list(profile.decisions.order_by("at", "pk").values_list("from_status", "to_status", "by"))
    assert moves == [
        (Status.DRAFT, Status.APPLIED, profile.user.pk),
        (Status.APPLIED, Status.IN_REVIEW, None),
    ]
    assert [m.subject for m in mailoutbox] == [
        "We have received your application",
        "Your application is in review",
    ]
    assert all(m.to == [profile.user.email] for m in mailoutbox)


def test_nothing_is_enqueued_before_the_transaction_commits(django_capture_on_commit_callbacks, mailoutbox):
    profile = complete_profile()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.lawyer_profile_submit(profile=profile, by=profile.user)
    assert profile.checks.count() == 0 and mailoutbox == []
    assert len(callbacks) == 2  # the email and the checks, both after commit


def test_submit_incomplete_profile_lists_what_is_missing():
    profile = LawyerProfileFactory()
    BarAdmissionFactory(profile=profile)
    with pytest.raises(DomainError) as refused:
        services.lawyer_profile_submit(profile=profile, by=profile.user)
    assert "at least one practice area" in refused.value.message
    assert "a CV" in refused.value.message
    assert "bar admission" not in refused.value.message
    profile.refresh_from_db()
    assert profile.status == Status.DRAFT
    assert not VettingDecision.objects.exists()


def test_staff_start_review(staff_user):
    profile = _in_status(Status.APPLIED)
    services.lawyer_profile_start_review(profile=profile, by=staff_user)
    assert profile.status == Status.IN_REVIEW


def test_approve_records_who_and_why(staff_user, django_capture_on_commit_callbacks, mailoutbox):
    profile = _in_status(Status.IN_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        decision = services.lawyer_profile_approve(profile=profile, by=staff_user, reason="Strong references")
    profile.refresh_from_db()
    assert profile.status == Status.VETTED
    assert profile.decision_reason == "Strong references" and profile.decided_at is not None
    assert (decision.from_status, decision.to_status, decision.by, decision.reason) == (
        Status.IN_REVIEW,
        Status.VETTED,
        staff_user,
        "Strong references",
    )
    assert mailoutbox[0].subject == "You are vetted: welcome to the Counsel Network"
    assert "Strong references" in mailoutbox[0].body


def test_approve_needs_a_verified_admission(staff_user):
    profile = _in_status(Status.IN_REVIEW)
    profile.admissions.update(verified_at=None)
    with pytest.raises(DomainError, match="Verify at least one bar admission"):
        services.lawyer_profile_approve(profile=profile, by=staff_user)


def test_reject_requires_a_reason(staff_user):
    profile = _in_status(Status.IN_REVIEW)
    for blank in ("", "   "):
        with pytest.raises(DomainError, match="Give a reason"):
            services.lawyer_profile_reject(profile=profile, by=staff_user, reason=blank)
    profile.refresh_from_db()
    assert profile.status == Status.IN_REVIEW


def test_reject_then_resubmit(staff_user, django_capture_on_commit_callbacks, mailoutbox):
    profile = _in_status(Status.IN_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        services.lawyer_profile_reject(profile=profile, by=staff_user, reason="Certificate unreadable")
    assert profile.status == Status.REJECTED
    assert "Certificate unreadable" in mailoutbox[-1].body
    with django_capture_on_commit_callbacks(execute=True):
        services.lawyer_profile_submit(profile=profile, by=profile.user)
    profile.refresh_from_db()
    assert profile.status == Status.IN_REVIEW  # checks ran again and moved it on
    resubmission = profile.decisions.get(from_status=Status.REJECTED)
    assert resubmission.to_status == Status.APPLIED and resubmission.reason == "Resubmitted after changes."


def test_suspend_and_reinstate_require_reasons(staff_user, mailoutbox, django_capture_on_commit_callbacks):
    profile = _in_status(Status.VETTED)
    with pytest.raises(DomainError, match="reason"):
        services.lawyer_profile_suspend(profile=profile, by=staff_user, reason="")
    with django_capture_on_commit_callbacks(execute=True):
        services.lawyer_profile_suspend(profile=profile, by=staff_user, reason="Complaint under review")
    assert profile.status == Status.SUSPENDED
    with pytest.raises(DomainError, match="reason"):
        services.lawyer_profile_reinstate(profile=profile, by=staff_user, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.lawyer_profile_reinstate(profile=profile, by=staff_user, reason="Complaint dismissed")
    assert profile.status == Status.VETTED
    assert [m.subject for m in mailoutbox] == [
        "Your profile has been suspended",
        "Your profile is active again",
    ]
    assert list(profile.decisions.order_by("pk").values_list("to_status", "reason", "by")) == [
        (Status.SUSPENDED, "Complaint under review", staff_user.pk),
        (Status.VETTED, "Complaint dismissed", staff_user.pk),
    ]


@pytest.mark.parametrize(
    ("status", "move"),
    [
        (Status.DRAFT, "approve"),
        (Status.DRAFT, "start_review"),
        (Status.APPLIED, "approve"),
        (Status.APPLIED, "reject"),
        (Status.IN_REVIEW, "submit"),
        (Status.IN_REVIEW, "suspend"),
        (Status.VETTED, "submit"),
        (Status.VETTED, "approve"),
        (Status.VETTED, "reinstate"),
        (Status.REJECTED, "approve"),
        (Status.REJECTED, "suspend"),
        (Status.SUSPENDED, "approve"),
        (Status.SUSPENDED, "reject"),
    ],
)
def test_illegal_moves_are_refused_with_a_readable_message(staff_user, status, move):
    profile = _in_status(status)
    calls = {
        "submit": lambda: services.lawyer_profile_submit(profile=profile, by=profile.user),
        "start_review": lambda: services.lawyer_profile_start_review(profile=profile, by=staff_user),
        "approve": lambda: services.lawyer_profile_approve(profile=profile, by=staff_user),
        "reject": lambda: services.lawyer_profile_reject(profile=profile, by=staff_user, reason="x"),
        "suspend": lambda: services.lawyer_profile_suspend(profile=profile, by=staff_user, reason="x"),
        "reinstate": lambda: services.lawyer_profile_reinstate(profile=profile, by=staff_user, reason="x"),
    }
    with pytest.raises(ConflictError) as refused:
        calls[move]()
    assert Status(status).label.lower() in refused.value.message
    profile.refresh_from_db()
    assert profile.status == status
    assert not profile.decisions.exists()


def test_a_stale_copy_cannot_move_a_profile_twice(staff_user):
    profile = _in_status(Status.IN_REVIEW)
    stale = LawyerProfile.objects.get(pk=profile.pk)
    services.lawyer_profile_approve(profile=profile, by=staff_user)
    # The state is read again under the row lock, not from the caller's copy.
    with pytest.raises(ConflictError):
        services.lawyer_profile_reject(profile=stale, by=staff_user, reason="Too late")
    assert profile.decisions.count() == 1


def test_only_staff_decide(lawyer_user):
    profile = _in_status(Status.IN_REVIEW)
    with pytest.raises(DomainError, match="talent team"):
        services.lawyer_profile_approve(profile=profile, by=lawyer_user)
    with pytest.raises(DomainError, match="talent team"):
        services.lawyer_profile_reject(profile=profile, by=profile.user, reason="self")


def test_a_lawyer_cannot_submit_someone_elses_application(lawyer_user):
    profile = complete_profile()
    with pytest.raises(DomainError):
        services.lawyer_profile_submit(profile=profile, by=lawyer_user)


def test_decision_email_is_sent_once(staff_user, mailoutbox):
    profile = _in_status(Status.IN_REVIEW)
    decision = services.lawyer_profile_approve(profile=profile, by=staff_user)
    assert services.vetting_decision_notify(decision_id=decision.pk) is True
    assert services.vetting_decision_notify(decision_id=decision.pk) is False
    assert len(mailoutbox) == 1
    decision.refresh_from_db()
    assert decision.notified_at is not None


def test_history_keeps_material_profile_changes(staff_user):
    profile = _in_status(Status.IN_REVIEW)
    services.lawyer_profile_approve(profile=profile, by=staff_user, reason="ok")
    latest = profile.history.first()
    assert latest.status == Status.VETTED
    assert "ok" in latest.history_change_reason


def test_rate_and_currency_must_be_given_together(lawyer_user):
    from decimal import Decimal

    from lawyers import services
    from marketplace.errors import DomainError

    profile = lawyer_user.lawyer_profile
    with pytest.raises(DomainError, match="rate and its currency together"):
        services.lawyer_profile_update(
            profile=profile,
            by=lawyer_user,
            headline="h",
            bio="b",
            hourly_rate=Decimal("300"),
            rate_currency="",
            weekly_capacity_hours=20,
        )
    profile.refresh_from_db()
    assert profile.hourly_rate is None

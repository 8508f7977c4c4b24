"""The vetting jobs: enqueued after commit, safe to run twice, retrying only transient failures."""

from unittest import mock

import pytest
from django.db import OperationalError

from lawyers import services, tasks
from lawyers.models import VettingCheck
from marketplace.errors import DomainError
from tests.factories_lawyers import complete_profile

pytestmark = pytest.mark.django_db


def test_tasks_retry_only_transient_errors_and_have_time_limits():
    for task in (tasks.vetting_run_checks, tasks.vetting_decision_notify):
        assert OperationalError in task.autoretry_for
        assert ValueError not in task.autoretry_for
        assert task.acks_late is True
        assert task.time_limit and task.soft_time_limit and task.soft_time_limit < task.time_limit
        assert task.retry_backoff


def test_a_transient_database_error_is_retried():
    profile = complete_profile()
    real = services.vetting_checks_run
    calls = []

    def flaky(**kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(**kwargs)

    with mock.patch.object(services, "vetting_checks_run", side_effect=flaky):
        # As a worker runs it: the failure is not propagated to a caller, the task is retried.
        result = tasks.vetting_run_checks.apply(args=[profile.pk, ["documents"]], throw=False)
    assert result.successful()
    assert len(calls) == 2
    assert profile.checks.get().name == VettingCheck.Name.DOCUMENTS


def test_a_bug_is_not_retried():
    profile = complete_profile()
    bug = mock.patch.object(services, "vetting_checks_run", side_effect=ValueError("bug"))
    with bug as run, pytest.raises(ValueError):
        tasks.vetting_run_checks.delay(profile.pk)
    assert run.call_count == 1


def test_running_the_job_twice_stores_one_result_per_check():
    profile = complete_profile()
    tasks.vetting_run_checks.delay(profile.pk)
    tasks.vetting_run_checks.delay(profile.pk)
    assert profile.checks.count() == 6
    assert all(check.run_key for check in profile.checks.all())


def test_unknown_check_names_are_refused():
    profile = complete_profile()
    with pytest.raises(DomainError, match="Unknown vetting checks: nonsense"):
        services.vetting_checks_run(profile_id=profile.pk, check_names=["nonsense"])


def test_a_failed_email_is_left_unsent_for_the_retry(staff_user, mailoutbox):
    from django.utils import timezone

    from lawyers.models import LawyerProfile

    profile = complete_profile()
    profile.admissions.update(verified_at=timezone.now())
    LawyerProfile.objects.filter(pk=profile.pk).update(status="in_review")
    decision = services.lawyer_profile_approve(profile=profile, by=staff_user)
    smtp_down = mock.patch("lawyers.services.send_mail", side_effect=ConnectionError("smtp down"))
    with smtp_down, pytest.raises(ConnectionError):
        services.vetting_decision_notify(decision_id=decision.pk)
    decision.refresh_from_db()
    assert decision.notified_at is None
    assert services.vetting_decision_notify(decision_id=decision.pk) is True
    assert len(mailoutbox) == 1


def test_seniority_is_refreshed_as_time_passes():
    import datetime as dt

    profile = complete_profile()  # admitted 2012, at a law firm since September 2012
    services.lawyer_profile_recompute_seniority(profile=profile, today=dt.date(2020, 1, 1))
    assert profile.seniority_years == 7
    assert services.lawyer_seniority_refresh_all(batch_size=1, today=dt.date(2026, 1, 1)) == 1
    profile.refresh_from_db()
    assert profile.seniority_years == 13
    assert services.lawyer_seniority_refresh_all(today=dt.date(2026, 1, 1)) == 0

"""Jobs go through Redis to a real Celery worker process and their results land in PostgreSQL."""

import pytest

from lawyers import services
from lawyers.models import LawyerProfile, VettingCheck
from lawyers.vetting import CHECKS
from tests.conftest import wait_for
from tests.factories_lawyers import complete_profile

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_submitted_application_is_vetted_by_the_worker(live_worker):
    # given a complete draft application
    profile = complete_profile()

    # when the lawyer submits it (the checks are enqueued after the commit)
    services.lawyer_profile_submit(profile=profile, by=profile.user)

    # then the worker process runs every check and the results are stored in PostgreSQL
    def checks_done():
        profile.refresh_from_db()
        return profile.status == LawyerProfile.Status.IN_REVIEW and VettingCheck.objects.filter(
            profile=profile
        )

    checks = wait_for(
        checks_done, timeout=60, message=f"worker never vetted the profile:\n{live_worker.output()[-3000:]}"
    )
    names = {check.name for check in checks}
    assert {"completeness", "documents"} <= names, names
    assert "vetting_run_checks" in live_worker.output()


def test_running_the_same_job_twice_stores_one_result_per_check(live_worker):
    from lawyers.tasks import vetting_run_checks

    profile = complete_profile()
    services.lawyer_profile_submit(profile=profile, by=profile.user)
    wait_for(
        lambda: LawyerProfile.objects.filter(pk=profile.pk, status=LawyerProfile.Status.IN_REVIEW).exists(),
        timeout=60,
    )
    first = VettingCheck.objects.filter(profile=profile).count()
    assert first == len(CHECKS)

    # the same message delivered again (a redelivery after a lost ack)
    vetting_run_checks.delay(profile.pk)
    vetting_run_checks.delay(profile.pk)
    wait_for(lambda: live_worker.output().count("succeeded") >= 3, timeout=60)

    assert VettingCheck.objects.filter(profile=profile).count() == first

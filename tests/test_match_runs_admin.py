"""Staff see matters and match runs in admin and can re-run matching from there."""

import pytest
from django.urls import reverse

from engagements.models import MatchRun
from tests import factories_engagements as fe

pytestmark = pytest.mark.django_db


def test_staff_browse_matters_and_runs(client, client_owner, staff_user):
    fe.network(3)
    matter = fe.matter(by=client_owner, post=True)
    run = fe.run_matching(matter)
    client.force_login(staff_user)
    assert client.get(reverse("admin:engagements_matter_changelist")).status_code == 200
    assert client.get(reverse("admin:engagements_matter_change", args=[matter.pk])).status_code == 200
    assert client.get(reverse("admin:engagements_matchrun_changelist")).status_code == 200
    detail = client.get(reverse("admin:engagements_matchrun_change", args=[run.pk]))
    assert detail.status_code == 200 and b"Lawyer SG 000" in detail.content


def test_admin_action_reruns_matching(client, client_owner, staff_user, django_capture_on_commit_callbacks):
    fe.network(2)
    matter = fe.matter(by=client_owner, post=True)
    draft = fe.matter(by=client_owner, title="Still a draft")
    fe.run_matching(matter)
    client.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:engagements_matter_changelist"),
            {"action": "rerun_matching", "_selected_action": [matter.pk, draft.pk]},
            follow=True,
        )
    content = response.content.decode()
    assert "Matching queued for 1 matter(s)." in content
    assert "Only an open matter is matched" in content
    assert MatchRun.objects.filter(matter=matter, status=MatchRun.Status.DONE).count() == 2
    assert not MatchRun.objects.filter(matter=draft).exists()

"""Time entries in the admin: staff list, filter and read them (with history); nobody edits them there."""

import pytest
from django.contrib import admin
from django.urls import reverse

from engagements.models import TimeEntry
from tests import factories_delivery as fd

pytestmark = pytest.mark.django_db


def test_time_entries_are_registered():
    assert type(admin.site._registry[TimeEntry]).__module__ == "engagements.admin_delivery"


def test_staff_list_and_read_time_entries(client, staff_user, client_owner, django_assert_max_num_queries):
    engagement = fd.engage(matter=fd.posted_matter(by=client_owner, title="Privacy audit"))
    entry = fd.entry(engagement, hours="3")
    client.force_login(staff_user)
    url = reverse("admin:engagements_timeentry_changelist")
    response = client.get(url, {"status": "submitted"})
    assert response.status_code == 200 and "Privacy audit" in response.content.decode()
    for days_ago in range(2, 12):
        fd.entry(engagement, days_ago=days_ago)
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200
    detail = client.get(reverse("admin:engagements_timeentry_change", args=[entry.pk]))
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()
    assert client.get(reverse("admin:engagements_timeentry_history", args=[entry.pk])).status_code == 200


def test_nobody_adds_or_edits_time_entries_in_the_admin(client, staff_user, client_owner):
    entry = fd.entry(fd.engage(matter=fd.posted_matter(by=client_owner)), hours="3")
    client.force_login(staff_user)
    assert client.get(reverse("admin:engagements_timeentry_add")).status_code == 403
    change = reverse("admin:engagements_timeentry_change", args=[entry.pk])
    client.post(change, {"hours": "20", "status": "approved"})
    entry.refresh_from_db()
    assert (entry.hours, entry.status) == (3, TimeEntry.Status.SUBMITTED)


def test_clients_and_lawyers_are_kept_out(client, client_owner, lawyer_user):
    for user in (client_owner, lawyer_user):
        client.force_login(user)
        response = client.get(reverse("admin:engagements_timeentry_changelist"))
        assert response.status_code == 302 and "/admin/login/" in response["Location"]

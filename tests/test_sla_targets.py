"""An organisation's own SLA targets: owners set them (or go back to the network default) through the
service and on the SLA page; members read them; everyone else gets 404."""

import pytest
from django.urls import reverse

from engagements import delivery, sla
from engagements.models import SlaTarget
from marketplace.errors import DomainError
from tests import factories_engagements as fe

pytestmark = pytest.mark.django_db

URL = "/sla/"


def set_targets(by, organisation, **overrides):  # type: ignore[no-untyped-def]
    values = {"hours_to_shortlist": 12, "hours_to_staff": 96, "hours_to_answer_offer": 24}
    values.update(overrides)
    return sla.sla_target_set(organisation=organisation, by=by, **values)


def test_an_owner_sets_and_changes_the_organisations_targets(client_owner, organisation):
    target = set_targets(client_owner, organisation)
    assert sla.targets_for(organisation.pk) == sla.Targets(12, 96, 24, "organisation")
    set_targets(client_owner, organisation, hours_to_staff=72)
    assert SlaTarget.objects.get().hours_to_staff == 72
    history = target.history.order_by("history_date")
    assert [h.history_change_reason for h in history] == [
        "Set by the organisation",
        "Changed by the organisation",
    ]
    assert {h.history_user for h in history} == {client_owner}


def test_members_who_are_not_owners_cannot_change_targets(client_colleague, client_outsider, organisation):
    for person in (client_colleague, client_outsider):
        with pytest.raises(delivery.NotAllowedError):
            set_targets(person, organisation)
        with pytest.raises(delivery.NotAllowedError):
            sla.sla_target_reset(organisation=organisation, by=person)
    assert not SlaTarget.objects.exists()


@pytest.mark.parametrize("hours", [0, -5, 24 * 365 + 1, 1.5, True])
def test_targets_are_whole_hours_from_one_to_a_year(client_owner, organisation, hours):
    with pytest.raises(DomainError) as refused:
        set_targets(client_owner, organisation, hours_to_answer_offer=hours)
    assert refused.value.field == "hours_to_answer_offer"


def test_reset_goes_back_to_the_network_default(client_owner, organisation):
    set_targets(client_owner, organisation)
    assert sla.sla_target_reset(organisation=organisation, by=client_owner) is True
    assert sla.targets_for(organisation.pk).source == "settings"
    assert sla.sla_target_reset(organisation=organisation, by=client_owner) is False


# --- the page ------------------------------------------------------------------------------------


def test_it_checks_ownership(
    client, client_owner, client_colleague, client_outsider, lawyer_user, staff_user
):
    assert reverse("engagements:sla-targets") == URL
    for user, status in {
        client_owner: 200,
        client_colleague: 200,
        client_outsider: 200,
        lawyer_user: 404,
        staff_user: 404,
    }.items():
        client.force_login(user)
        assert client.get(URL).status_code == status, user.email


def test_the_page_shows_each_organisation_its_own_targets(
    client, client_owner, client_outsider, organisation
):
    set_targets(client_owner, organisation, hours_to_shortlist=7)
    client.force_login(client_outsider)
    html = client.get(URL).content.decode()
    assert "Globex Corporation" in html and "The network's default targets" in html
    assert "<td>24 h</td>" in html and "<td>7 h</td>" not in html


def test_an_owner_edits_targets_on_the_page(client, client_owner, organisation):
    client.force_login(client_owner)
    html = client.get(URL).content.decode()
    assert 'id="sla-form"' in html
    data = {"hours_to_shortlist": "8", "hours_to_staff": "80", "hours_to_answer_offer": "20"}
    assert client.post(URL, data).status_code == 302
    assert sla.targets_for(organisation.pk) == sla.Targets(8, 80, 20, "organisation")
    assert client.post(URL, {"action": "reset"}).status_code == 302
    assert not SlaTarget.objects.exists()


def test_bad_hours_show_next_to_the_field(client, client_owner):
    client.force_login(client_owner)
    response = client.post(
        URL, {"hours_to_shortlist": "0", "hours_to_staff": "", "hours_to_answer_offer": "5"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="field-hours_to_shortlist"' in html and "greater than or equal to 1" in html
    assert not SlaTarget.objects.exists()


def test_a_member_sees_the_targets_but_cannot_change_them(client, client_colleague):
    client.force_login(client_colleague)
    assert 'id="sla-form"' not in client.get(URL).content.decode()
    data = {"hours_to_shortlist": "8", "hours_to_staff": "80", "hours_to_answer_offer": "20"}
    assert client.post(URL, data).status_code == 403
    assert not SlaTarget.objects.exists()


def test_the_page_shows_the_figures(client, client_owner):
    fe.matter(by=client_owner, post=True)
    client.force_login(client_owner)
    html = client.get(URL).content.decode()
    assert 'data-kind="shortlist"' in html and 'data-kind="answer"' in html

"""Offer pages: the client sends offers from the matter page; the lawyer answers in their portal.

Tenancy: a lawyer sees only offers made to them (another's is a 404), the confidential details only
after the NDA, and never another candidate's name or rate; another organisation's client gets 404s.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from engagements.models import Engagement, Offer, TimeEntry
from tests import factories_engagements as fe

pytestmark = pytest.mark.django_db

CONFIDENTIAL = "Target: Initech Pte Ltd."


@pytest.fixture
def staffing(client_owner):
    matter, _run, ranked = fe.posted_and_matched(client_owner)
    return matter, fe.seats_of(matter)[0], ranked


def _offer_url(name, offer):
    return reverse(f"engagements:{name}", args=[offer.pk])


def _create_url(seat, lawyer=None):
    url = reverse("engagements:offer-create", args=[seat.matter_id, seat.pk])
    return f"{url}?lawyer={lawyer.pk}" if lawyer else url


def _form(**overrides):
    data = {
        "hourly_rate": "260.00",
        "hours_per_week": "20",
        "start_date": fe.START.isoformat(),
        "end_date": fe.END.isoformat(),
        "expires_at": (timezone.localtime() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
    }
    data.update(overrides)
    return data


# --- the client ---------------------------------------------------------------------------------


def test_the_matter_page_offers_each_shortlisted_lawyer_and_the_team(client, client_owner, staffing):
    matter, seat, (ada, bea, cy) = staffing
    client.force_login(client_owner)
    page = client.get(reverse("engagements:matter-detail", args=[matter.pk])).content.decode()
    for lawyer in (ada, bea, cy):
        assert _create_url(seat, lawyer) in page
    assert 'id="offer-team"' in page


def test_the_send_offer_form_starts_from_the_lawyers_rate_and_the_matter(client, client_owner):
    # a EUR 300/h lawyer on a USD matter: USD 324.00 at 1.08, within the 400 cap
    matter, _, _ = fe.posted_and_matched(client_owner, names=("Ada Lovelace",))
    euro = fe.network_lawyer("Eva Euro", rate="300", currency="EUR")
    fe.run_matching(matter)
    seat = fe.seats_of(matter)[0]
    client.force_login(client_owner)
    page = client.get(_create_url(seat, euro)).content.decode()
    assert 'value="324.00"' in page and 'value="20.0"' in page
    assert f'value="{fe.START.isoformat()}"' in page and f'value="{fe.END.isoformat()}"' in page


def test_a_client_sends_an_offer_from_the_form(client, client_colleague, staffing):
    _matter, seat, (ada, *_) = staffing
    client.force_login(client_colleague)
    response = client.post(_create_url(seat, ada), _form())
    assert response.status_code == 302
    offer = Offer.objects.get()
    assert offer.lawyer == ada and offer.sent_by == client_colleague and offer.hourly_rate == Decimal("260")
    page = client.get(response["Location"]).content.decode()
    assert "Offer sent to Ada Lovelace" in page
    assert f'data-offer="{offer.pk}"' in page and 'data-status="pending"' in page


def test_a_refused_offer_shows_the_reason_next_to_the_field(client, client_owner, staffing):
    _, seat, (ada, *_) = staffing
    client.force_login(client_owner)
    response = client.post(_create_url(seat, ada), _form(hourly_rate="450"))
    assert response.status_code == 200 and not Offer.objects.exists()
    assert "above the matter&#x27;s cap of USD 400" in response.content.decode()
    assert 'id="field-hourly_rate"' in response.content.decode()


def test_offer_the_proposed_team_in_one_go(client, client_owner, staffing):
    matter, _, _ = staffing
    client.force_login(client_owner)
    response = client.post(reverse("engagements:offer-team", args=[matter.pk]), follow=True)
    assert Offer.objects.count() == 1
    assert "1 offer(s) sent to the proposed team" in response.content.decode()


def test_offer_pages_check_ownership(client, client_outsider, staff_user, lawyer_user, staffing):
    matter, seat, (ada, *_) = staffing
    for visitor in (client_outsider, staff_user, lawyer_user, ada.user):
        client.force_login(visitor)
        assert client.get(_create_url(seat, ada)).status_code == 404
        assert client.post(_create_url(seat, ada), _form()).status_code == 404
        assert client.post(reverse("engagements:offer-team", args=[matter.pk])).status_code == 404
    assert not Offer.objects.exists()


def test_only_shortlisted_lawyers_can_be_offered_a_seat_from_the_page(client, client_owner, staffing):
    _, seat, _ = staffing
    stranger = fe.network_lawyer("Not Shortlisted", code="DE")
    client.force_login(client_owner)
    assert client.get(_create_url(seat, stranger)).status_code == 404
    assert client.get(_create_url(seat)).status_code == 404


def test_another_organisations_client_cannot_withdraw_or_end_anything(
    client, client_owner, client_outsider, staffing
):
    _, seat, (ada, bea, _) = staffing
    pending = fe.send_offer(seat=seat, lawyer=bea, by=client_owner)
    engagement = fe.accepted(seat=seat, lawyer=ada, by=client_owner)
    client.force_login(client_outsider)
    assert client.post(_offer_url("offer-withdraw", pending)).status_code == 404
    assert client.post(reverse("engagements:engagement-complete", args=[engagement.pk])).status_code == 404
    assert client.get(reverse("engagements:engagement-terminate", args=[engagement.pk])).status_code == 404
    assert Engagement.objects.get().status == "active"


def test_the_client_completes_or_ends_an_engagement_from_the_matter_page(client, client_owner, staffing):
    matter, seat, (ada, *_) = staffing
    engagement = fe.accepted(seat=seat, lawyer=ada, by=client_owner)
    client.force_login(client_owner)
    page = client.get(reverse("engagements:matter-detail", args=[matter.pk])).content.decode()
    assert 'data-status="filled"' in page and "Filled</span> by Ada Lovelace" in page
    url = reverse("engagements:engagement-terminate", args=[engagement.pk])
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 200 and "This field is required" in refused.content.decode()
    client.post(url, {"reason": "Budget cut"})
    engagement.refresh_from_db()
    assert engagement.status == "terminated" and engagement.terminated_reason == "Budget cut"
    again = client.post(reverse("engagements:engagement-complete", args=[engagement.pk]), follow=True)
    assert "Only an active engagement can be completed" in again.content.decode()


# --- the lawyer ---------------------------------------------------------------------------------


def test_the_inbox_lists_only_the_lawyers_own_offers_with_the_summary(client, client_owner, staffing):
    matter, seat, (ada, bea, _) = staffing
    mine = fe.send_offer(seat=seat, lawyer=ada, by=client_owner)
    theirs = fe.send_offer(seat=seat, lawyer=bea, by=client_owner, hourly_rate=Decimal("333.33"))
    client.force_login(ada.user)
    page = client.get(reverse("engagements:offer-inbox")).content.decode()
    assert f'data-offer="{mine.pk}"' in page and f'data-offer="{theirs.pk}"' not in page
    assert matter.summary in page
    assert CONFIDENTIAL not in page and "Bea Brandt" not in page and "333.33" not in page


def test_another_lawyers_offer_is_a_404(client, client_owner, staffing):
    _, seat, (ada, bea, _) = staffing
    theirs = fe.send_offer(seat=seat, lawyer=bea, by=client_owner)
    client.force_login(ada.user)
    for name in ("offer-detail",):
        assert client.get(_offer_url(name, theirs)).status_code == 404
    for name in ("offer-accept-nda", "offer-accept", "offer-decline"):
        assert client.post(_offer_url(name, theirs), {"reason": "x"}).status_code == 404
    client.force_login(client_owner)
    assert client.get(_offer_url("offer-detail", theirs)).status_code == 404
    assert client.get(reverse("engagements:offer-inbox")).status_code == 404
    assert Offer.objects.get().status == "pending" and Offer.objects.get().nda_accepted_at is None


def test_confidential_details_appear_only_after_the_nda(client, client_owner, staffing):
    matter, seat, (ada, bea, _) = staffing
    offer = fe.send_offer(seat=seat, lawyer=ada, by=client_owner)
    fe.send_offer(seat=seat, lawyer=bea, by=client_owner, hourly_rate=Decimal("333.33"))
    client.force_login(ada.user)
    before = client.get(_offer_url("offer-detail", offer)).content.decode()
    assert matter.summary in before and CONFIDENTIAL not in before and "Acme Holdings" not in before
    assert 'id="accept-nda"' in before and 'id="accept-offer"' not in before
    # when
    response = client.post(_offer_url("offer-accept-nda", offer), follow=True)
    # then
    after = response.content.decode()
    assert "NDA accepted" in after and CONFIDENTIAL in after and "Acme Holdings" in after
    assert 'id="accept-offer"' in after
    assert "Bea Brandt" not in after and "333.33" not in after


def test_the_lawyer_accepts_and_the_seat_is_filled(client, client_owner, staffing):
    matter, seat, (ada, *_) = staffing
    offer = fe.send_offer(seat=seat, lawyer=ada, by=client_owner)
    client.force_login(ada.user)
    client.post(_offer_url("offer-accept-nda", offer))
    response = client.post(_offer_url("offer-accept", offer), follow=True)
    assert "Offer accepted" in response.content.decode()
    assert Engagement.objects.get().lawyer == ada
    client.force_login(client_owner)
    page = client.get(reverse("engagements:matter-detail", args=[matter.pk])).content.decode()
    assert 'data-status="filled"' in page and 'data-status="accepted"' in page


def test_refusals_are_readable_on_the_page(client, client_owner, staffing):
    _, seat, (ada, bea, _) = staffing
    late = fe.send_offer(seat=seat, lawyer=bea, by=client_owner)
    fe.accepted(seat=seat, lawyer=ada, by=client_owner)
    client.force_login(bea.user)
    response = client.post(_offer_url("offer-accept", late), follow=True)
    assert "This seat has just been filled by another lawyer." in response.content.decode()


def test_accepting_before_the_nda_is_refused_on_the_page(client, client_owner, staffing):
    _, seat, (ada, *_) = staffing
    offer = fe.send_offer(seat=seat, lawyer=ada, by=client_owner)
    client.force_login(ada.user)
    response = client.post(_offer_url("offer-accept", offer), follow=True)
    assert "Accept the NDA before accepting the offer." in response.content.decode()
    assert not Engagement.objects.exists()


def test_declining_needs_a_reason(client, client_owner, staffing):
    _, seat, (ada, *_) = staffing
    offer = fe.send_offer(seat=seat, lawyer=ada, by=client_owner)
    client.force_login(ada.user)
    refused = client.post(_offer_url("offer-decline", offer), {"reason": ""})
    assert refused.status_code == 400 and "This field is required" in refused.content.decode()
    client.post(_offer_url("offer-decline", offer), {"reason": "Conflict with an existing client"})
    offer.refresh_from_db()
    assert offer.status == "declined" and offer.decline_reason == "Conflict with an existing client"


def test_the_inbox_query_count_does_not_grow_with_offers(client, client_owner, django_assert_max_num_queries):
    matter, _, (ada, *_) = fe.posted_and_matched(client_owner, names=("Ada Lovelace",))
    fe.send_offer(seat=fe.seats_of(matter)[0], lawyer=ada, by=client_owner)
    client.force_login(ada.user)
    with django_assert_max_num_queries(30) as one:
        client.get(reverse("engagements:offer-inbox"))
    for _ in range(3):
        other = fe.matter(by=client_owner, post=True, seats=[fe.seat_input()])
        fe.run_matching(other)
        fe.send_offer(seat=fe.seats_of(other)[0], lawyer=ada, by=client_owner)
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(reverse("engagements:offer-inbox"))


def test_the_engagements_page_shows_capacity_and_approved_earnings(client, client_owner, staffing):
    _, seat, (ada, *_) = staffing
    engagement = fe.accepted(seat=seat, lawyer=ada, by=client_owner)
    for hours, status in (("8", "approved"), ("2.5", "approved"), ("4", "submitted"), ("1", "rejected")):
        TimeEntry.objects.create(
            engagement=engagement,
            work_date=fe.START,
            hours=Decimal(hours),
            description="Review",
            status=status,
            amount=Decimal(hours) * engagement.hourly_rate,
        )
    client.force_login(ada.user)
    response = client.get(reverse("engagements:lawyer-engagements"))
    page = response.content.decode()
    assert f'data-engagement="{engagement.pk}"' in page
    assert "USD 2,625.00" in page  # (8 + 2.5) h × USD 250, approved only
    weeks = response.context["overview"].weeks
    assert len(weeks) == 8 and all(w.free == ada.weekly_capacity_hours for w in weeks)  # 2030 is far off


def test_capacity_weeks_subtract_the_active_engagements_running_that_week(client_owner):
    from engagements.selectors import lawyer_capacity_weeks

    monday = dt.date(2030, 3, 4)
    running = Engagement(
        status="active",
        hours_per_week=Decimal("15"),
        start_date=monday,
        end_date=monday + dt.timedelta(days=20),
    )
    finished = Engagement(
        status="completed",
        hours_per_week=Decimal("10"),
        start_date=monday,
        end_date=monday + dt.timedelta(days=60),
    )
    weeks = lawyer_capacity_weeks(engagements=[running, finished], weekly_capacity=40, today=monday, weeks=4)
    assert [w.free for w in weeks] == [25, 25, 25, 40]


def test_the_lawyer_pages_are_for_lawyers(client, client_owner, staff_user):
    for visitor in (client_owner, staff_user):
        client.force_login(visitor)
        assert client.get(reverse("engagements:offer-inbox")).status_code == 404
        assert client.get(reverse("engagements:lawyer-engagements")).status_code == 404
    client.logout()
    assert client.get(reverse("engagements:offer-inbox")).status_code == 302

"""In a real browser: the client offers a seat from the shortlist; the lawyer accepts the NDA, reads the
confidential details and accepts; the client sees the seat filled."""

import pytest

from engagements.models import Engagement, Offer
from tests import factories_engagements as fe
from tests.browser.helpers import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_client_offers_a_seat_and_the_lawyer_accepts_after_the_nda(
    page, _playwright_browser, live_server, client_owner
):
    # given a posted, matched matter with confidential details
    matter, _, (ada, *_) = fe.posted_and_matched(client_owner)
    seat = fe.seats_of(matter)[0]

    # when the client opens the matter and sends Ada an offer from the shortlist
    log_in(page, client_owner.email)
    page.goto(f"/matters/{matter.pk}/")
    page.locator(f'#seat-{seat.pk} .candidate[data-lawyer="{ada.pk}"] a.send-offer').click()
    assert page.input_value("#id_hourly_rate") == "250.00"
    assert page.input_value("#id_start_date") == fe.START.isoformat()
    page.click("#offer-form button[type=submit]")
    page.wait_for_selector(f'#offers .offer-row[data-lawyer="{ada.pk}"] [data-status=pending]')
    offer = Offer.objects.get(lawyer=ada)

    # and Ada logs in, in her own browser, and opens the offer from her inbox
    lawyer_context = _playwright_browser.new_context(base_url=live_server.url)
    lawyer_context.set_default_timeout(15_000)
    lawyer = lawyer_context.new_page()
    try:
        log_in(lawyer, ada.user.email)
        lawyer.goto("/offers/")
        lawyer.click(f'.offer-row[data-offer="{offer.pk}"] a')
        assert matter.summary in lawyer.inner_text("#matter-summary")
        assert "Initech" not in lawyer.inner_text("main")
        assert lawyer.locator("#accept-offer").count() == 0

        # then accepting the NDA shows the confidential details
        lawyer.click("#accept-nda")
        lawyer.wait_for_selector("#confidential-details")
        assert "Target: Initech Pte Ltd." in lawyer.inner_text("#confidential-details")
        assert "Acme Holdings" in lawyer.inner_text("#client-name")

        # and she accepts
        lawyer.click("#accept-offer")
        lawyer.wait_for_selector(".offer-status[data-status=accepted]")
        assert "Offer accepted" in lawyer.inner_text("main")
        lawyer.goto("/engagements/")
        assert lawyer.locator(".engagement-row").count() == 1
    finally:
        lawyer_context.close()

    # and the client sees the seat filled by Ada
    page.goto(f"/matters/{matter.pk}/")
    status = page.locator("#seats .seat-status")
    assert status.get_attribute("data-status") == "filled" and "Ada Lovelace" in status.inner_text()
    assert page.locator(f'#offers .offer-row[data-offer="{offer.pk}"] [data-status=accepted]').count() == 1
    assert Engagement.objects.get().lawyer_id == ada.pk

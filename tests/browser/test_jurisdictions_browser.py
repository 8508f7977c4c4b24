import re

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_visitor_searches_jurisdictions_and_opens_one(page, live_server):
    external = []
    page.on(
        "request", lambda req: external.append(req.url) if not req.url.startswith(live_server.url) else None
    )
    page.goto("/jurisdictions/")
    rows = page.locator("#jurisdiction-results tbody tr")
    assert rows.count() > 40

    # Typing filters the table in place (htmx) and keeps the search in the address bar.
    page.get_by_label("Search").fill("york")
    page.wait_for_function("() => document.querySelectorAll('#jurisdiction-results tbody tr').length === 1")
    assert "US-NY" in rows.first.inner_text()
    assert "q=york" in page.url

    page.get_by_role("link", name="US-NY").click()
    page.wait_for_url(re.compile(r"/jurisdictions/US-NY/$"))
    assert page.locator("h1").inner_text().startswith("New York")
    assert page.get_by_role("link", name="United States (US)").is_visible()
    assert external == []


def test_visitor_browses_all_iso_jurisdictions_and_the_practice_areas(page):
    page.goto("/jurisdictions/")
    page.get_by_label("Show all ISO jurisdictions").check()
    page.wait_for_function(
        "() => document.querySelector('[data-testid=result-count]').innerText.includes('page 1 of')"
    )
    page.get_by_role("link", name="Next →").click()
    page.wait_for_url(re.compile(r"page=2"))

    page.goto("/jurisdictions/practice-areas/")
    corporate = page.locator("section#corporate")
    assert "M&A" in corporate.inner_text()


def test_show_all_offers_every_country_to_filter_by(page):
    page.goto("/jurisdictions/")
    assert page.locator("#id_country option[value=AQ]").count() == 0

    page.get_by_label("Show all ISO jurisdictions").check()
    page.wait_for_selector("#id_country option[value=AQ]", state="attached")

    page.locator("#id_country").select_option("AQ")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=result-count]')"
        ".innerText.trim().startsWith('1 jurisdiction')"
    )
    assert "Antarctica" in page.locator("#jurisdiction-results").inner_text()

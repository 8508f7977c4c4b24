import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_page_loads_with_local_assets_only(page, live_server):
    external = []
    page.on(
        "request", lambda req: external.append(req.url) if not req.url.startswith(live_server.url) else None
    )
    page.goto("/")
    assert page.locator(".brand").inner_text().startswith("Counsel")
    # htmx is vendored and loaded from our own static files.
    assert page.evaluate("typeof window.htmx") == "object"
    assert external == []

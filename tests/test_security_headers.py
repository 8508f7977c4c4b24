"""Every page carries the security headers and a Content Security Policy without inline script."""

import re

import pytest

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_HANDLER = re.compile(rb"<[^>]+\son[a-z]+\s*=", re.I)


def test_pages_send_a_csp_without_inline_script(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert "'unsafe-inline'" not in directives["script-src"]
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/signup/client/",
        "/accounts/signup/lawyer/",
        "/jurisdictions/",
        "/jurisdictions/practice-areas/",
        "/api/docs/",
        "/accounts/password-reset/",
    ],
)
def test_public_pages_have_no_inline_script_or_handler(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert not INLINE_SCRIPT.search(response.content), path
    assert not INLINE_HANDLER.search(response.content), path


def test_signed_in_pages_have_no_inline_script_or_handler(client, client_owner, lawyer_user, staff_user):
    pages = {
        client_owner: ["/matters/", "/matters/new/", "/accounts/organisation/", "/notifications/"],
        lawyer_user: ["/lawyers/", "/notifications/"],
        staff_user: ["/admin/", "/admin/lawyers/lawyerprofile/"],
    }
    for user, paths in pages.items():
        client.force_login(user)
        for path in paths:
            response = client.get(path, follow=True)
            assert response.status_code == 200, path
            assert not INLINE_SCRIPT.search(response.content), path
            assert not INLINE_HANDLER.search(response.content), path

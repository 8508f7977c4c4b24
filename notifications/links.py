"""Which stored links a notification may send people to: only pages of this site."""

from django.utils.http import url_has_allowed_host_and_scheme


def is_safe_relative_url(url: str) -> bool:
    """True for a path on this site ("/matters/3/"); False for anything with a host, a scheme or tricks."""
    return (
        url.startswith("/")
        and not url.startswith("//")
        and url_has_allowed_host_and_scheme(url, allowed_hosts=None)
    )

"""The OpenAPI schema at /api/schema/ is valid OpenAPI 3 and documents every URL under /api/v1/.

The schema is what API clients (and `make prove`'s fuzzing) rely on: a route missing from it is an
endpoint nobody can discover or test against its contract.
"""

import re

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.validation import validate_schema

API_PREFIX = "/api/v1/"


def _named_groups_to_params(regex: str) -> str:
    """`^matters/(?P<pk>\\d+)/$` → `matters/{pk}/`, with balanced parentheses inside the group."""
    out, i = [], 0
    while i < len(regex):
        if regex.startswith("(?P<", i):
            name_end = regex.index(">", i)
            name = regex[i + 4 : name_end]
            depth, j = 1, name_end + 1
            while depth:
                if regex[j] == "\\":
                    j += 2
                    continue
                depth += {"(": 1, ")": -1}.get(regex[j], 0)
                j += 1
            out.append("{" + name + "}")
            i = j
        else:
            out.append(regex[i])
            i += 1
    return "".join(out).lstrip("^").rstrip("$").replace("\\", "")


def _route(pattern: URLPattern | URLResolver) -> str:
    raw = str(pattern.pattern)
    if raw.startswith("^") or "(?P<" in raw:
        return _named_groups_to_params(raw)
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", raw)


def _project_urls(patterns: list, prefix: str = "/") -> set[str]:
    urls: set[str] = set()
    for pattern in patterns:
        route = prefix + _route(pattern)
        if isinstance(pattern, URLResolver):
            urls |= _project_urls(pattern.url_patterns, route)
        else:
            urls.add(route)
    return urls


def _shape(path: str) -> str:
    """Parameter names aside (drf-spectacular calls `pk` `id`), the same template is the same URL."""
    return re.sub(r"\{[^}]+\}", "{}", path)


@pytest.fixture
def schema(client) -> dict:  # type: ignore[no-untyped-def]
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_schema_is_valid_openapi_3(schema: dict) -> None:
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)  # raises on any violation of the OpenAPI 3 JSON schema


def test_schema_generates_without_warnings(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # drf-spectacular warns when it has to guess a view's serializer or a field's type: such an
    # operation's documented request or response is a guess, not the contract.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))


def test_every_api_url_is_in_the_schema(schema: dict) -> None:
    api_urls = {url for url in _project_urls(get_resolver().url_patterns) if url.startswith(API_PREFIX)}
    documented = {_shape(path) for path in schema["paths"]}

    missing = sorted(url for url in api_urls if _shape(url) not in documented)

    assert api_urls, "no URL under /api/v1/ found: the URL walk is broken"
    assert missing == []


def test_the_url_walk_sees_router_and_path_routes() -> None:
    # The walk above must turn both kinds of route into OpenAPI templates, or it proves nothing.
    urls = _project_urls(get_resolver().url_patterns)

    assert "/api/v1/jurisdictions/{code}/" in urls  # a router regex with nested groups
    assert "/api/v1/matters/{pk}/runs/latest/" in urls  # a router @action
    assert "/matters/{pk}/" in urls  # a path() with a converter

"""The API keeps its documented contract when the input is wrong.

- A filter value that is not valid is a 400 naming the parameter (booleans: true or false only); an
  empty value means "not filtered", as the schema's `allowEmptyValue` says.
- Anything under /api/ answers errors as JSON, even where no route matches (a non-numeric id) or the
  server fails: never the HTML error pages.
- Every error body is one of the two documented shapes, `Error` ({detail, code[, field]}) or
  `ValidationErrors` ({field: [messages]}), and every operation documents the error statuses it answers
  with. Each response here is checked against what /api/schema/ documents for its operation and status.
"""

import json
from typing import Any

import jsonschema
import pytest
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import ValidationError
from rest_framework.test import APIClient

from marketplace.errors import api_exception_handler
from tests import factories_engagements as fe

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def _as(api: APIClient, request: pytest.FixtureRequest, persona: str) -> APIClient:
    if persona != "anonymous":
        api.force_authenticate(request.getfixturevalue(persona))
    return api


def assert_documented(schema: dict[str, Any], method: str, template: str, response: Any) -> None:
    """The response's status, content type and body are those /api/schema/ documents for the operation."""
    operation = schema["paths"][template][method.lower()]
    status = str(response.status_code)
    assert status in operation["responses"], f"{method} {template}: {status} is not documented"
    content = operation["responses"][status]["content"]
    content_type = response["Content-Type"].split(";")[0]
    assert content_type in content, f"{method} {template} {status}: {content_type} is not documented"
    body_schema = {**content[content_type]["schema"], "components": schema["components"]}
    jsonschema.validate(response.json(), body_schema)


# --- strict filters -------------------------------------------------------------------------------

BAD_FILTERS = [
    ("anonymous", "/api/v1/jurisdictions/", "is_active", "7875"),
    ("anonymous", "/api/v1/jurisdictions/", "active", "yes"),
    ("anonymous", "/api/v1/jurisdictions/", "kind", "planet"),
    ("anonymous", "/api/v1/practice-areas/", "top_level", "10000000.0"),
    ("client_owner", "/api/v1/matters/", "status", "archived"),
    ("client_owner", "/api/v1/engagements/", "matter", "abc"),
    ("client_owner", "/api/v1/engagements/", "matter", "1.5"),
    ("client_owner", "/api/v1/engagements/", "status", "paused"),
    ("client_owner", "/api/v1/time-entries/", "work_date_to", "2026-02-30"),
    ("client_owner", "/api/v1/time-entries/", "status", "paid"),
    ("client_owner", "/api/v1/ratings/", "engagement", "first"),
    ("client_owner", "/api/v1/notifications/", "unread", "1"),
    ("lawyer_user", "/api/v1/offers/", "status", "maybe"),
    ("staff_user", "/api/v1/lawyers/", "min_rate", "cheap"),
]


@pytest.mark.parametrize(("persona", "path", "parameter", "value"), BAD_FILTERS)
def test_a_bad_filter_value_is_a_400_naming_the_parameter(
    api, request, schema, persona, path, parameter, value
):
    response = _as(api, request, persona).get(path, {parameter: value})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    messages = response.json()[parameter]
    assert messages and all(isinstance(m, str) and m for m in messages)
    assert_documented(schema, "GET", path, response)


def test_a_boolean_filter_takes_true_or_false_and_says_so(api):
    refused = api.get("/api/v1/jurisdictions/", {"is_active": "7875"})

    assert refused.json() == {"is_active": ["Must be true or false (got “7875”)."]}
    active = api.get("/api/v1/jurisdictions/", {"is_active": "true"}).json()["results"]
    inactive = api.get("/api/v1/jurisdictions/", {"is_active": "false"}).json()["results"]
    assert active and all(j["is_active"] for j in active)
    assert inactive and not any(j["is_active"] for j in inactive)


def test_an_empty_filter_value_means_not_filtered(api, client_owner):
    everything = api.get("/api/v1/jurisdictions/").json()["count"]

    empty = api.get("/api/v1/jurisdictions/", {"is_active": "", "kind": "", "legal_system": ""})

    assert empty.status_code == 200 and empty.json()["count"] == everything
    api.force_authenticate(client_owner)
    entries = api.get("/api/v1/time-entries/", {"work_date_to": "", "status": "", "engagement": ""})
    assert entries.status_code == 200


def test_the_schema_says_empty_filter_values_are_allowed(schema):
    query = [
        (path, parameter["name"], parameter.get("allowEmptyValue"))
        for path, operations in schema["paths"].items()
        for operation in operations.values()
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query"
    ]

    assert ("/api/v1/time-entries/", "work_date_to", True) in query
    assert [q for q in query if q[2] is not True] == []


def test_a_client_cannot_probe_which_matters_exist_through_a_filter(api, client_owner, client_outsider):
    theirs = fe.matter(by=client_outsider)
    api.force_authenticate(client_owner)

    existing = api.get("/api/v1/engagements/", {"matter": theirs.pk})
    missing = api.get("/api/v1/engagements/", {"matter": theirs.pk + 1000})

    # The same empty answer whether or not another organisation's matter has that id.
    assert existing.status_code == missing.status_code == 200
    assert existing.json()["count"] == missing.json()["count"] == 0


# --- JSON errors everywhere under /api/ -----------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/matters/abc/",
        "/api/v1/ratings/%C2%AF%F2%B5%A2%B8/",
        "/api/v1/time-entries/1.5/",
        "/api/v1/no-such-endpoint/",
        "/api/nothing-here",
    ],
)
def test_an_api_url_no_route_matches_is_a_json_404(api, client_owner, path):
    api.force_authenticate(client_owner)

    response = api.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_a_non_numeric_id_gets_the_documented_404(api, client_owner, schema):
    api.force_authenticate(client_owner)

    response = api.get("/api/v1/matters/abc/")

    assert_documented(schema, "GET", "/api/v1/matters/{id}/", response)


def test_pages_outside_the_api_keep_the_html_404(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_server_error_under_the_api_is_json(client, monkeypatch):
    from jurisdictions.api import JurisdictionViewSet

    def broken(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    monkeypatch.setattr(JurisdictionViewSet, "list", broken)
    client.raise_request_exception = False

    response = client.get("/api/v1/jurisdictions/")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "A server error occurred.", "code": "server_error"}
    assert b"boom" not in response.content


def test_a_csrf_refusal_under_the_api_is_json(client_owner):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(client_owner)

    response = browser.post("/api/v1/notifications/read-all/")

    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "permission_denied" and "CSRF" in response.json()["detail"]


# --- the documented error bodies ------------------------------------------------------------------


def test_refusals_carry_detail_and_code(api, client_owner, lawyer_user, schema):
    anonymous = api.get("/api/v1/matters/")
    assert anonymous.status_code == 403 and anonymous.json()["code"] == "not_authenticated"
    assert_documented(schema, "GET", "/api/v1/matters/", anonymous)

    api.force_authenticate(lawyer_user)
    not_for_lawyers = api.get("/api/v1/matters/")
    assert not_for_lawyers.status_code == 403 and not_for_lawyers.json() == {
        "detail": "Matters are for members of a client organisation.",
        "code": "permission_denied",
    }
    assert_documented(schema, "GET", "/api/v1/matters/", not_for_lawyers)

    api.force_authenticate(client_owner)
    missing = api.get("/api/v1/matters/999999/")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    assert_documented(schema, "GET", "/api/v1/matters/{id}/", missing)
    past_the_end = api.get("/api/v1/matters/", {"page": 99})
    assert past_the_end.status_code == 404 and past_the_end.json()["code"] == "not_found"
    assert_documented(schema, "GET", "/api/v1/matters/", past_the_end)


def test_an_invalid_token_is_a_documented_403_even_on_public_data(api, schema):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    response = api.get("/api/v1/jurisdictions/")

    assert response.status_code == 403 and response.json()["code"] == "authentication_failed"
    assert_documented(schema, "GET", "/api/v1/jurisdictions/", response)


def test_a_token_client_gets_documented_answers(client_owner, schema):
    token = Token.objects.create(user=client_owner)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    unsupported = api.post("/api/v1/matters/", "title=x", content_type="text/plain")
    assert unsupported.status_code == 415 and unsupported.json()["code"] == "unsupported_media_type"
    assert_documented(schema, "POST", "/api/v1/matters/", unsupported)

    unparsable = api.post("/api/v1/matters/", "{not json", content_type="application/json")
    assert unparsable.status_code == 400 and unparsable.json()["code"] == "parse_error"
    assert_documented(schema, "POST", "/api/v1/matters/", unparsable)

    invalid = api.post("/api/v1/matters/", {}, format="json")
    assert invalid.status_code == 400 and invalid.json()["title"] == ["This field is required."]
    assert_documented(schema, "POST", "/api/v1/matters/", invalid)


def test_a_state_conflict_is_a_documented_409(api, client_owner, schema):
    matter = fe.matter(by=client_owner)
    api.force_authenticate(client_owner)
    cancel = f"/api/v1/matters/{matter.pk}/cancel/"

    assert api.post(cancel, {"reason": "Settled."}, format="json").status_code == 200
    again = api.post(cancel, {"reason": "Settled."}, format="json")

    assert again.status_code == 409
    assert set(again.json()) >= {"detail", "code"}
    assert_documented(schema, "POST", "/api/v1/matters/{id}/cancel/", again)


def test_a_validation_error_about_the_whole_input_is_keyed_non_field_errors():
    response = api_exception_handler(ValidationError("Give the rate and its currency together."), {})

    assert response is not None and response.status_code == 400
    assert response.data == {"non_field_errors": ["Give the rate and its currency together."]}


# --- every operation documents its errors ---------------------------------------------------------

ERROR_REF = {"$ref": "#/components/schemas/Error"}
BAD_INPUT = {"oneOf": [ERROR_REF, {"$ref": "#/components/schemas/ValidationErrors"}]}


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    ]


def test_every_operation_documents_its_error_responses(schema):
    problems = []
    for method, path, operation in _operations(schema):
        responses = operation["responses"]
        errors = {int(code) for code in responses if code.startswith(("4", "5"))}
        parameters = operation.get("parameters", [])
        expected = {403}  # every API view authenticates: a bad token, no login, not your role
        if "{" in path or any(p["name"] == "page" for p in parameters):
            expected.add(404)
        if "requestBody" in operation:
            expected |= {400, 415}
        if any(p["in"] == "query" and p["name"] not in {"page", "ordering", "search"} for p in parameters):
            expected.add(400)
        if any(p["in"] == "header" and p["name"] == "Idempotency-Key" for p in parameters):
            expected |= {400, 422}
        if not expected <= errors:
            problems.append(f"{method} {path}: documents {sorted(errors)}, lacks {sorted(expected - errors)}")
        for code in errors:
            body = responses[str(code)]["content"]["application/json"]["schema"]
            if body != (BAD_INPUT if code == 400 else ERROR_REF):
                problems.append(f"{method} {path} {code}: body {json.dumps(body)}")

    assert problems == []


def test_state_changes_that_can_conflict_document_409(schema):
    documented = {(m, p) for m, p, op in _operations(schema) if "409" in op["responses"]}

    for operation in [
        ("POST", "/api/v1/matters/{id}/post/"),
        ("POST", "/api/v1/matters/{id}/cancel/"),
        ("PUT", "/api/v1/matters/{id}/"),
        ("POST", "/api/v1/matters/{id}/rerun/"),
        ("POST", "/api/v1/matters/{id}/offers/"),
        ("POST", "/api/v1/matters/{id}/offers/team/"),
        ("POST", "/api/v1/matters/{id}/offers/{offer_pk}/withdraw/"),
        ("POST", "/api/v1/offers/{id}/accept/"),
        ("POST", "/api/v1/offers/{id}/accept-nda/"),
        ("POST", "/api/v1/offers/{id}/decline/"),
        ("POST", "/api/v1/engagements/{id}/complete/"),
        ("POST", "/api/v1/engagements/{id}/terminate/"),
        ("POST", "/api/v1/time-entries/"),
        ("POST", "/api/v1/time-entries/{id}/approve/"),
        ("POST", "/api/v1/ratings/"),
    ]:
        assert operation in documented
    assert ("GET", "/api/v1/matters/{id}/offers/") not in documented


def test_the_error_bodies_are_documented_as_the_handler_gives_them(schema):
    components = schema["components"]["schemas"]

    assert components["Error"]["required"] == ["code", "detail"]
    assert set(components["Error"]["properties"]) == {"detail", "code", "field"}
    validation = {**components["ValidationErrors"], "components": schema["components"]}
    jsonschema.validate(
        {"seats": [{}, {"jurisdiction": ["Object with code=XX does not exist."]}]}, validation
    )
    jsonschema.validate({"required_languages": {"0": ["Not a valid string."]}}, validation)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"detail": "Not found.", "code": "not_found"}, validation)

"""Bad input: schemathesis against our own OpenAPI schema, every operation, as each role, in-process.

Runs in a fresh PostgreSQL database (`PROVE_FUZZ_DATABASE_URL`, default `counsel_prove`, dropped and
re-created each run so that the same seed gives the same cases) seeded with `seed_demo --lawyers 200`
plus a few matters and offers. The app is the project's WSGI application under the production
settings (`prove.settings`), called in-process: no server, no network.

For each role (a client owner, a shortlisted lawyer holding offers, a staff member, each with an API
token) and each operation, Hypothesis generates:
  - positive cases (valid per the schema; path ids generated, so mostly unknown objects),
  - negative cases (invalid per the schema: wrong types, missing fields, out-of-range values),
  - positive cases on objects the role can see (path parameters taken from the role's own lists),
  - for operations with a body, positive cases whose references (jurisdiction codes, practice-area
    slugs, currencies, lawyer and seat ids, language codes) name real objects, so that generated
    input gets past "no such jurisdiction" and into the services.
Each response is checked: no 5xx (`not_a_server_error`), the status code is documented
(`status_code_conformance`), the content type is documented (`content_type_conformance`) and the
body matches the documented schema (`response_schema_conformance`), and a case that is invalid per the
schema is not answered 2xx (`negative_data_rejection`).

Prints cases, 5xx and schema violations per role; writes every distinct failure with its request,
response and (for a 5xx) the server traceback to var/prove/fuzz-failures.txt.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from bench.createdb import database_create
from prove.common import REPORT_DIR, exit_code, line, note

DATABASE_URL = os.environ.get("PROVE_FUZZ_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/counsel_prove")
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prove.settings")

# Examples per operation, role and kind of case; the total is printed and has a target.
POSITIVE = int(os.environ.get("PROVE_FUZZ_POSITIVE", "6"))
NEGATIVE = int(os.environ.get("PROVE_FUZZ_NEGATIVE", "8"))
KNOWN = int(os.environ.get("PROVE_FUZZ_KNOWN", "8"))
REFERENCES = int(os.environ.get("PROVE_FUZZ_REFERENCES", "12"))
MIN_CASES = int(os.environ.get("PROVE_FUZZ_MIN_CASES", "2000"))
TIME_LIMIT_S = float(os.environ.get("PROVE_FUZZ_TIME_LIMIT_S", "600"))
# Only operations whose "METHOD /path" contains this (to reproduce one finding quickly).
ONLY = os.environ.get("PROVE_FUZZ_ONLY", "")
VERBOSE = bool(os.environ.get("PROVE_FUZZ_VERBOSE"))
ROLES = {"client": "client@demo.test", "lawyer": "lawyer@demo.test", "staff": "staff@demo.test"}


def prepare_database() -> None:
    """A fresh database with the schema, the demo accounts, 200 lawyers, 20 matters and offers."""
    database_create(DATABASE_URL, fresh=True)
    import django

    django.setup()
    from django.core.management import call_command

    from prove import seed

    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed_demo", lawyers=200, seed=1, no_progress=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
    seed.matters_ensure(count=20, post_every=2, offers=4)
    # The lawyer persona is the one the seeded offers went to (offers go to shortlisted lawyers only).
    ROLES["lawyer"] = seed.offer_lawyer_email()


@dataclass
class Finding:
    """One distinct failure: the first case that showed it, and how many cases did."""

    role: str
    operation: str
    check: str
    key: str
    title: str
    message: str
    request: str
    status: int
    response: str
    traceback: str = ""
    cases: int = 1


@dataclass
class RoleResult:
    cases: int = 0
    server_errors: int = 0
    cases_with_violations: int = 0
    harness_errors: int = 0
    unsatisfiable: list[str] = field(default_factory=list)
    operations: set[str] = field(default_factory=set)
    statuses: Counter[int] = field(default_factory=Counter)
    by_operation: dict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))


class ServerErrorLog:
    """Keeps the traceback of the last exception Django turned into a 500 (including one raised while
    rendering an error page, which Django's request log records without its traceback)."""

    def __init__(self) -> None:
        import logging

        from django.core.signals import got_request_exception

        self.last = ""
        got_request_exception.connect(self._record, weak=False)
        # The traceback is kept here; Django's own "Internal Server Error" log lines would only repeat it.
        logging.getLogger("django.request").setLevel(logging.CRITICAL)

    def _record(self, sender: object, **kwargs: object) -> None:
        import traceback

        self.last = traceback.format_exc()


def _request_text(response: Any) -> str:
    request = response.request
    body = request.body
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    text = f"{request.method} {request.url}"
    if body:
        text += f"\n{body[:2000]}"
    return text


def _response_text(response: Any) -> str:
    content_type = (response.headers.get("content-type") or [""])[0]
    body = response.content[:1500].decode("utf-8", "replace")
    return f"{response.status_code} {content_type}\n{body}"


def _failure_key(failure: Any) -> str:
    """What makes two failures of one check on one operation the same finding."""
    status = getattr(failure, "status_code", "")
    content_type = getattr(failure, "content_type", "")
    path = getattr(failure, "schema_path", None)
    instance_path = getattr(failure, "instance_path", None)
    return f"{type(failure).__name__}|{status}|{content_type}|{path}|{instance_path}"


def known_path_parameters(client: Any, token: str, path: str) -> dict[str, Any] | None:
    """Path parameters naming objects this role can see, each taken from the role's own list.

    For `/api/v1/matters/{id}/offers/{offer_pk}/withdraw/`: the first of GET /api/v1/matters/, then
    the first of GET /api/v1/matters/<id>/offers/. None when a list is empty or refused.
    """
    values: dict[str, Any] = {}
    for name in re.findall(r"{(\w+)}", path):
        prefix = path.split("{" + name + "}")[0]
        for known, value in values.items():
            prefix = prefix.replace("{" + known + "}", str(value))
        response = client.get(prefix, headers={"Authorization": f"Token {token}"})
        if response.status_code != 200:
            return None
        data = response.get_json(silent=True)
        items = data.get("results") if isinstance(data, dict) else data
        if not isinstance(items, list) or not items or not isinstance(items[0], dict):
            return None
        key = "id" if name in {"id", "pk"} or name.endswith(("_pk", "_id")) else name
        if key not in items[0]:
            return None
        values[name] = items[0][key]
    return values


def reference_values() -> dict[str, list[Any]]:
    """Real values for the body fields that name other objects, by field name."""
    from engagements.models import Seat
    from jurisdictions.models import ExchangeRate, Jurisdiction, PracticeArea
    from lawyers.models import LawyerProfile

    currencies = sorted(ExchangeRate.objects.values_list("currency", flat=True))
    return {
        "jurisdiction": sorted(Jurisdiction.objects.filter(is_active=True).values_list("code", flat=True)),
        "practice_area": sorted(PracticeArea.objects.values_list("slug", flat=True)),
        "currency": currencies,
        "rate_currency": currencies,
        "lawyer": list(
            LawyerProfile.objects.filter(status=LawyerProfile.Status.VETTED)
            .order_by("pk")
            .values_list("pk", flat=True)[:50]
        ),
        "seat": list(Seat.objects.order_by("pk").values_list("pk", flat=True)[:50]),
        "required_languages": ["en", "fr", "de", "es", "zh", "ja"],
    }


def with_references(strategy: Any, references: dict[str, list[Any]]) -> Any:
    """Cases from `strategy` whose reference fields (at any depth of the body) name real objects."""
    from hypothesis import strategies as st

    def fix(value: Any, rnd: Any) -> Any:
        if isinstance(value, dict):
            for key, item in value.items():
                choices = references.get(key)
                if choices and isinstance(item, list):
                    value[key] = rnd.sample(choices, min(len(item), len(choices)))
                elif choices and isinstance(item, str | int) and not isinstance(item, bool):
                    value[key] = rnd.choice(choices)
                else:
                    fix(item, rnd)
        elif isinstance(value, list):
            for item in value:
                fix(item, rnd)
        return value

    def apply(pair: tuple[Any, Any]) -> Any:
        case, rnd = pair
        if isinstance(case.body, dict | list):
            case.body = fix(case.body, rnd)
        return case

    return st.tuples(strategy, st.randoms(use_true_random=False)).map(apply)


def run() -> int:
    started = time.monotonic()
    note(f"fuzz: preparing {DATABASE_URL.rsplit('/', 1)[-1]} (fresh: migrate, seed_demo --lawyers 200)")
    prepare_database()
    note(f"fuzz: database ready in {time.monotonic() - started:.0f} s; roles: {ROLES}")
    fuzz_started = time.monotonic()

    import hypothesis
    import schemathesis
    from hypothesis import HealthCheck, Phase, given
    from hypothesis import settings as hsettings
    from rest_framework.authtoken.models import Token
    from schemathesis.checks import not_a_server_error
    from schemathesis.core.failures import Failure, FailureGroup
    from schemathesis.python import wsgi
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        negative_data_rejection,
        response_schema_conformance,
        status_code_conformance,
    )

    from accounts.models import User
    from marketplace.wsgi import application

    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
        negative_data_rejection,
    ]
    tokens = {
        role: Token.objects.get_or_create(user=User.objects.get(email=email))[0].key
        for role, email in ROLES.items()
    }
    references = reference_values()
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    operations = [op for op in operations if ONLY in f"{op.method.upper()} {op.path}"]
    operations.sort(key=lambda op: (op.path, op.method))
    note(f"fuzz: {len(operations)} operations in /api/schema/, roles: {', '.join(ROLES)}")
    errors = ServerErrorLog()
    client = wsgi.get_client(application)
    results: dict[str, RoleResult] = {role: RoleResult() for role in ROLES}
    findings: dict[tuple[str, str, str], Finding] = {}
    timed_out = False

    def make_test(role: str, label: str, result: RoleResult, headers: dict[str, str]) -> Any:
        def execute(case: Any) -> None:
            errors.last = ""
            try:
                response = case.call(headers=headers)
            except Exception as exc:  # the harness could not send it (not the app's fault)
                result.harness_errors += 1
                note(f"fuzz: {role} {label}: could not send a case: {type(exc).__name__}: {exc}")
                return
            result.cases += 1
            result.operations.add(label)
            result.statuses[response.status_code] += 1
            result.by_operation[label][response.status_code] += 1
            if VERBOSE:
                note(f"{role} {_request_text(response)}\n  -> {_response_text(response)[:300]}")
            if response.status_code >= 500:
                result.server_errors += 1
            try:
                case.validate_response(response, checks=checks, headers=headers)
                return
            except FailureGroup as group:
                failed = list(group.exceptions)
            except Failure as failure:
                failed = [failure]
            if any(not isinstance(f, _server_error_types()) for f in failed):
                result.cases_with_violations += 1
            for failure in failed:
                check = failure.checks[0] if failure.checks else type(failure).__name__
                key = (role, label, _failure_key(failure))
                if key in findings:
                    findings[key].cases += 1
                    continue
                findings[key] = Finding(
                    role=role,
                    operation=label,
                    check=check,
                    key=key[2],
                    title=failure.title,
                    message=failure.message,
                    request=_request_text(response),
                    status=response.status_code,
                    response=_response_text(response),
                    traceback=errors.last if response.status_code >= 500 else "",
                )

        return execute

    for role, token in tokens.items():
        result = results[role]
        headers = {"Authorization": f"Token {token}"}
        for operation in operations:
            if time.monotonic() - started > TIME_LIMIT_S:
                timed_out = True
                break
            label = f"{operation.method.upper()} {operation.path}"
            plans: list[tuple[str, Any, int]] = [
                ("positive", operation.as_strategy(schemathesis.GenerationMode.POSITIVE), POSITIVE),
            ]
            try:
                plans.append(
                    ("negative", operation.as_strategy(schemathesis.GenerationMode.NEGATIVE), NEGATIVE)
                )
            except Exception as exc:  # an operation with nothing to make invalid
                note(f"fuzz: {role} {label}: no negative cases ({type(exc).__name__})")
            known = known_path_parameters(client, token, operation.path) if "{" in operation.path else {}
            if known:
                plans.append(
                    (
                        "known",
                        operation.as_strategy(schemathesis.GenerationMode.POSITIVE, path_parameters=known),
                        KNOWN,
                    )
                )
            if operation.body:
                strategy = operation.as_strategy(
                    schemathesis.GenerationMode.POSITIVE, path_parameters=known or None
                )
                plans.append(("references", with_references(strategy, references), REFERENCES))

            execute = make_test(role, label, result, headers)

            for kind, strategy, examples in plans:
                test = given(case=strategy)(execute)
                test = hsettings(
                    max_examples=examples,
                    derandomize=True,
                    database=None,
                    deadline=None,
                    phases=[Phase.explicit, Phase.generate],
                    suppress_health_check=list(HealthCheck),
                    verbosity=hypothesis.Verbosity.quiet,
                )(test)
                try:
                    test()
                except hypothesis.errors.Unsatisfiable:
                    # Nothing in this operation can be made invalid (no parameters, no body).
                    result.unsatisfiable.append(f"{label} ({kind})")
                except Exception as exc:
                    result.harness_errors += 1
                    note(f"fuzz: {role} {label} ({kind}): generation stopped: {type(exc).__name__}: {exc}")

    elapsed = time.monotonic() - started
    note(f"fuzz: {sum(r.cases for r in results.values())} cases in {time.monotonic() - fuzz_started:.0f} s")
    _write_report(findings, results)
    all_ops = {f"{op.method.upper()} {op.path}" for op in operations}
    total = sum(r.cases for r in results.values())
    per_role = MIN_CASES // len(ROLES)
    for role, result in results.items():
        mine = [f for f in findings.values() if f.role == role]
        server = [f for f in mine if f.check == "not_a_server_error"]
        undocumented = [f for f in mine if f.check == "status_code_conformance"]
        accepted = [f for f in mine if f.check == "negative_data_rejection"]
        body = [
            f
            for f in mine
            if f.check not in {"not_a_server_error", "status_code_conformance", "negative_data_rejection"}
        ]
        line(f"fuzz {role}: cases run", result.cases, f"≥ {per_role}", result.cases >= per_role)
        line(
            f"fuzz {role}: operations exercised",
            f"{len(result.operations)}/{len(all_ops)}",
            f"all {len(all_ops)}",
            result.operations == all_ops,
        )
        line(
            f"fuzz {role}: 5xx responses (distinct)",
            f"{result.server_errors} ({len(server)})",
            "0",
            result.server_errors == 0,
        )
        line(f"fuzz {role}: body or content-type violations", len(body), "0 distinct", not body)
        line(f"fuzz {role}: undocumented status codes", len(undocumented), "0 distinct", not undocumented)
        line(f"fuzz {role}: invalid input answered 2xx", len(accepted), "0 distinct", not accepted)
        line(
            f"fuzz {role}: cases with any violation",
            result.cases_with_violations,
            "0",
            result.cases_with_violations == 0,
        )
        statuses = ", ".join(f"{code}×{n}" for code, n in sorted(result.statuses.items()))
        note(
            f"fuzz {role} ({ROLES[role]}): statuses {statuses}; "
            f"{len(result.unsatisfiable)} operations with nothing to make invalid"
            + (f"; {result.harness_errors} cases the harness could not send" if result.harness_errors else "")
        )
    line("fuzz all roles: cases run", total, f"≥ {MIN_CASES}", total >= MIN_CASES)
    line(
        "fuzz wall time (s)",
        f"{elapsed:.0f}",
        f"< {TIME_LIMIT_S:.0f}",
        elapsed < TIME_LIMIT_S and not timed_out,
    )
    if findings:
        by_check = Counter(f.check for f in findings.values())
        note("fuzz: distinct findings by check: " + ", ".join(f"{k} {v}" for k, v in by_check.most_common()))
        note(f"fuzz: details in {REPORT_DIR / 'fuzz-failures.txt'}")
    return exit_code()


def _server_error_types() -> tuple[type, ...]:
    from schemathesis.core.failures import ServerError

    return (ServerError,)


def _write_report(findings: dict[tuple[str, str, str], Finding], results: dict[str, RoleResult]) -> None:
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    grouped: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings.values():
        grouped[finding.check].append(finding)
    with open(REPORT_DIR / "fuzz-failures.txt", "w") as out:
        out.write("Statuses per operation and role\n")
        for role, result in results.items():
            for label in sorted(result.by_operation):
                counts = ", ".join(f"{c}×{n}" for c, n in sorted(result.by_operation[label].items()))
                out.write(f"  {role:<7} {label:<62} {counts}\n")
        for role, result in results.items():
            if result.unsatisfiable:
                out.write(f"\nNo invalid case possible ({role}): {', '.join(result.unsatisfiable)}\n")
        out.write(f"\n{len(findings)} distinct findings\n")
        for check in sorted(grouped):
            out.write(f"\n\n######## {check}: {len(grouped[check])}\n")
            for f in sorted(grouped[check], key=lambda f: (f.operation, f.role)):
                out.write(
                    f"\n=== [{f.role}] {f.operation} — {f.title} ({f.cases} cases)\n{f.message}\n"
                    f"--- request\n{f.request}\n--- response\n{f.response}\n"
                )
                if f.traceback:
                    out.write(f"--- server traceback\n{f.traceback}\n")


if __name__ == "__main__":
    sys.exit(run())

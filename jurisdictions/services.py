"""Writes for jurisdictions: the reference-data loader and staff changes to exchange rates.

The loader reads ISO 3166 from pycountry and the curated tables in `jurisdictions.reference`, and only
ever creates rows that are missing: a row that exists belongs to staff, whatever they changed in it.
It takes an app registry so the data migration can run it against the historical models.
"""

import functools
import re
from dataclasses import dataclass
from typing import Any

import pycountry
from django.apps import apps as django_apps
from django.apps.registry import Apps
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from jurisdictions import cache as reference_cache
from jurisdictions import reference
from jurisdictions.models import ExchangeRate, Jurisdiction, PracticeArea
from marketplace.errors import DomainError

SEED_CHANGE_REASON = "Seeded by the reference-data loader"


@dataclass(frozen=True)
class IsoJurisdiction:
    """One ISO 3166 entry with the curated attributes it will be created with."""

    code: str
    name: str
    kind: str
    subdivision_type: str
    parent_code: str | None
    depth: int
    legal_system: str
    currency: str
    languages: tuple[str, ...]
    is_active: bool


@dataclass(frozen=True)
class ReferenceDataLoaded:
    """How many rows one run of the loader created."""

    jurisdictions: int
    practice_areas: int
    exchange_rates: int


def _clean_name(name: str) -> str:
    # ISO 3166-2 appends alternative names in brackets: "Wales [Cymru GB-CYM]".
    return re.sub(r"\s*\[[^\]]*\]", "", name).strip()


def _inherited(table: dict[str, Any], code: str, parents: dict[str, str | None], default: Any) -> Any:
    """The curated value for `code`, else for its nearest ancestor that has one, else `default`."""
    current: str | None = code
    while current is not None:
        if current in table:
            return table[current]
        current = parents.get(current)
    return default


@functools.cache
def iso_jurisdictions() -> tuple[IsoJurisdiction, ...]:
    """Every ISO 3166-1 country and ISO 3166-2 subdivision, parents before children."""
    parents: dict[str, str | None] = {}
    entries: list[tuple[str, str, str, str]] = []  # code, name, kind, subdivision type
    for country in pycountry.countries:
        parents[country.alpha_2] = None
        name = getattr(country, "common_name", None) or country.name
        entries.append((country.alpha_2, name, Jurisdiction.Kind.COUNTRY, ""))
    for subdivision in pycountry.subdivisions:
        parents[subdivision.code] = subdivision.parent_code or subdivision.country_code
        entries.append(
            (subdivision.code, subdivision.name, Jurisdiction.Kind.SUBDIVISION, subdivision.type or "")
        )

    def depth(code: str) -> int:
        parent = parents[code]
        return 0 if parent is None else 1 + depth(parent)

    rows = [
        IsoJurisdiction(
            code=code,
            name=reference.NAMES.get(code) or _clean_name(name),
            kind=kind,
            subdivision_type=subdivision_type,
            parent_code=parents[code],
            depth=depth(code),
            legal_system=_inherited(reference.LEGAL_SYSTEMS, code, parents, ""),
            currency=_inherited(reference.CURRENCIES, code, parents, ""),
            languages=tuple(_inherited(reference.LANGUAGES, code, parents, [])),
            is_active=code in reference.ACTIVE_JURISDICTIONS,
        )
        for code, name, kind, subdivision_type in entries
    ]
    rows.sort(key=lambda row: (row.depth, row.code))
    return tuple(rows)


def practice_area_count_expected() -> int:
    return sum(1 + len(children) for _, _, _, children in reference.PRACTICE_AREAS)


def _row_counts() -> tuple[int, int, int]:
    """Jurisdictions, practice areas and exchange rates stored, in one query."""
    tables = [connection.ops.quote_name(m._meta.db_table) for m in (Jurisdiction, PracticeArea, ExchangeRate)]
    # Table names come from model metadata, never from input.
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {table})" for table in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        jurisdictions, practice_areas, exchange_rates = cursor.fetchone()
    return jurisdictions, practice_areas, exchange_rates


def reference_data_ensure() -> None:
    """Load the reference data unless it is already there; one query when it is.

    "There" means at least as many rows as the loader would create in each table, so rows staff add
    do not trigger a reload. `reference_data_load` (the management command) always checks every row.
    """
    stored = _row_counts()
    expected = (len(iso_jurisdictions()), practice_area_count_expected(), len(reference.EXCHANGE_RATES))
    if all(have >= want for have, want in zip(stored, expected, strict=True)):
        return
    reference_data_load()


def reference_data_load(*, apps: Apps = django_apps) -> ReferenceDataLoaded:
    """Create the jurisdictions, practice areas and exchange rates that are missing; change no others.

    Safe to run any number of times, and alongside another run (conflicting inserts are skipped).
    """
    with transaction.atomic():
        loaded = ReferenceDataLoaded(
            jurisdictions=_jurisdictions_load(apps.get_model("jurisdictions", "Jurisdiction")),
            practice_areas=_practice_areas_load(apps.get_model("jurisdictions", "PracticeArea")),
            exchange_rates=_exchange_rates_load(
                apps.get_model("jurisdictions", "ExchangeRate"),
                apps.get_model("jurisdictions", "HistoricalExchangeRate"),
            ),
        )
        # Bulk inserts send no signals: the cached public pages go here, once the rows are committed.
        reference_cache.invalidate(strict=False)
        return loaded


def _jurisdictions_load(model: Any) -> int:
    ids: dict[str, int] = dict(model.objects.values_list("code", "id"))
    before = len(ids)
    rows = iso_jurisdictions()
    for level in range(max(row.depth for row in rows) + 1):
        missing = [
            model(
                code=row.code,
                name=row.name,
                kind=row.kind,
                subdivision_type=row.subdivision_type,
                parent_id=ids[row.parent_code] if row.parent_code else None,
                legal_system=row.legal_system,
                currency=row.currency,
                languages=list(row.languages),
                is_active=row.is_active,
            )
            for row in rows
            if row.depth == level and row.code not in ids
        ]
        if missing:
            model.objects.bulk_create(missing, batch_size=500, ignore_conflicts=True)
            # Ignored conflicts return no ids: read them back for the next level's parents.
            ids = dict(model.objects.values_list("code", "id"))
    return len(ids) - before


def _practice_areas_load(model: Any) -> int:
    stored = list(model.objects.values_list("id", "slug", "name", "parent_id"))
    before = len(stored)
    ids_by_slug = {slug: pk for pk, slug, _, _ in stored}
    # Staff may have changed a slug: a branch is also there when its name is (and (parent, name) is unique).
    top_ids_by_name = {name: pk for pk, _, name, parent_id in stored if parent_id is None}
    child_keys = {(parent_id, name) for _, _, name, parent_id in stored if parent_id is not None}

    def top_id(slug: str, name: str) -> int | None:
        return ids_by_slug.get(slug) or top_ids_by_name.get(name)

    tops = [
        model(slug=slug, name=name, description=description)
        for slug, name, description, _ in reference.PRACTICE_AREAS
        if top_id(slug, name) is None
    ]
    if tops:
        model.objects.bulk_create(tops, ignore_conflicts=True)
        for pk, slug, name in model.objects.filter(parent=None).values_list("id", "slug", "name"):
            ids_by_slug.setdefault(slug, pk)
            top_ids_by_name.setdefault(name, pk)
    children = []
    for top_slug, top_name, _, branch in reference.PRACTICE_AREAS:
        parent_id = top_id(top_slug, top_name)
        for slug, name in branch:
            if slug not in ids_by_slug and (parent_id, name) not in child_keys:
                children.append(model(slug=slug, name=name, parent_id=parent_id))
    if children:
        model.objects.bulk_create(children, ignore_conflicts=True)
    return model.objects.count() - before if (tops or children) else 0


def _exchange_rates_load(model: Any, history_model: Any) -> int:
    stored = set(model.objects.values_list("currency", flat=True))
    missing = {code: rate for code, rate in reference.EXCHANGE_RATES.items() if code not in stored}
    if not missing:
        return 0
    model.objects.bulk_create(
        [model(currency=code, rate_to_usd=rate) for code, rate in missing.items()], ignore_conflicts=True
    )
    # bulk_create skips simple_history's signals: write the first audit entry of each rate here.
    now = timezone.now()
    created = list(model.objects.filter(currency__in=missing))
    history_model.objects.bulk_create(
        [
            history_model(
                id=rate.id,
                currency=rate.currency,
                rate_to_usd=rate.rate_to_usd,
                updated_at=rate.updated_at,
                updated_by_id=None,
                history_date=now,
                history_type="+",
                history_change_reason=SEED_CHANGE_REASON,
                history_user_id=None,
            )
            for rate in created
        ]
    )
    return len(created)


def exchange_rate_save(*, exchange_rate: ExchangeRate, by: Any) -> ExchangeRate:
    """Store a new or changed rate as set by `by` (a staff user); the change is kept in its history.

    Raises DomainError for an unknown currency code or a rate that is not positive.
    """
    exchange_rate.currency = exchange_rate.currency.strip().upper()
    exchange_rate.updated_by = by
    try:
        exchange_rate.full_clean()
    except ValidationError as exc:
        field = next((name for name in exc.message_dict if name != NON_FIELD_ERRORS), None)
        raise DomainError(" ".join(exc.messages), code="invalid_exchange_rate", field=field) from exc
    exchange_rate._history_user = by  # type: ignore[attr-defined]
    exchange_rate.save()
    return exchange_rate

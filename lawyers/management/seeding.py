"""Storing and removing the demo network in bulk, for `seed_demo`: a few INSERTs per chunk of lawyers.

No service is called per lawyer: `lawyers.management.demo` already produces what the services would
(derived seniority, decisions, verified admissions), and this module stores it the way they store it,
including the first history entry of each profile and admission (`bulk_create` skips simple_history's
signals, so the entries are written here, as the jurisdictions loader does for exchange rates).

Bulk demo lawyers carry no documents and no stored check results: writing two files per lawyer would
make 100,000 lawyers slow and the upload folder huge. The fixed demo lawyer (`demo_accounts`) has both.
"""

import csv
import datetime as dt
import functools
import io
from collections.abc import Callable, Iterable, Sequence
from operator import itemgetter
from typing import Any, Protocol

from django.db import connection, transaction
from django.db.models import Field, Model, QuerySet
from django.test import override_settings
from django.utils import timezone

from accounts.models import User
from jurisdictions.models import Jurisdiction, PracticeArea
from lawyers.management.demo import (
    DEMO_CHANGE_REASON,
    LAWYER_EMAIL_DOMAIN,
    AreaInfo,
    JurisdictionInfo,
    LawyerSpec,
    Reference,
)
from lawyers.models import (
    BarAdmission,
    DeclaredConflict,
    Experience,
    LanguageSkill,
    LawyerProfile,
    PracticeAreaExperience,
    Unavailability,
    VettingDecision,
)
from lawyers.rules import normalise_organisation_name

# Rows per INSERT statement (Django lowers it further where the database needs, e.g. SQLite).
BATCH_SIZE = 1000


def reference_snapshot() -> Reference:
    """The active jurisdictions and the leaf practice areas, in a fixed order; two queries."""
    jurisdictions = tuple(
        JurisdictionInfo(id=pk, code=code, name=name, currency=currency, languages=tuple(languages or ()))
        for pk, code, name, currency, languages in Jurisdiction.objects.filter(is_active=True)
        .order_by("code")
        .values_list("id", "code", "name", "currency", "languages")
    )
    areas = tuple(
        AreaInfo(id=pk, slug=slug, name=name, parent_id=parent_id)
        for pk, slug, name, parent_id in PracticeArea.objects.filter(parent__isnull=False)
        .order_by("slug")
        .values_list("id", "slug", "name", "parent_id")
    )
    return Reference(jurisdictions=jurisdictions, areas=areas)


def demo_lawyer_users() -> QuerySet[User]:
    """The users `seed_demo` generated (their addresses are all at the demo domain)."""
    return User.objects.filter(email__endswith=f"@{LAWYER_EMAIL_DOMAIN}")


Row = dict[str, Any]


def demo_lawyers_write(*, specs: Sequence[LawyerSpec], staff: User, now: dt.datetime | None = None) -> None:
    """Store one chunk of generated lawyers in one transaction: all of them, or none.

    On PostgreSQL the rows go in with COPY (ids reserved from the tables' sequences first); elsewhere
    with `bulk_create`. Both store the same rows.
    """
    now = now or timezone.now()
    # A few hundred distinct organisations among hundreds of thousands of rows: normalise each once.
    normalised = functools.cache(normalise_organisation_name)
    with transaction.atomic(), connection.cursor() as cursor:
        writer: _Writer
        if connection.vendor == "postgresql":
            # Demo data: a crash may lose the last chunks (the next run tops them up), so do not wait
            # for each commit to reach the disk.
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
            writer = _CopyWriter(cursor, now=now)
        else:
            writer = _OrmWriter()
        user_ids = writer.insert(
            User,
            ids=True,
            rows=[
                {
                    "email": spec.email,
                    "full_name": spec.full_name,
                    # An unusable password ("!…", as `set_unusable_password` makes): these cannot log in.
                    "password": spec.password,
                    "email_verified_at": spec.joined_at + dt.timedelta(minutes=7),
                    "date_joined": spec.joined_at,
                }
                for spec in specs
            ],
        )
        profiles = [
            {
                "user_id": user_id,
                "headline": spec.headline,
                "bio": spec.bio,
                "hourly_rate": spec.hourly_rate,
                "rate_currency": spec.rate_currency,
                "weekly_capacity_hours": spec.weekly_capacity_hours,
                "status": spec.status,
                "submitted_at": spec.submitted_at,
                "decided_at": spec.decided_at,
                "decision_reason": spec.decision_reason,
                "seniority_years": spec.seniority_years,
                "created_at": now,
                "updated_at": now,
            }
            for spec, user_id in zip(specs, user_ids, strict=True)
        ]
        profile_ids = writer.insert(LawyerProfile, profiles, ids=True)
        lawyers = list(zip(specs, profile_ids, user_ids, strict=True))

        admissions = [
            {
                "profile_id": profile_id,
                "jurisdiction_id": admission.jurisdiction.id,
                "registration_number": admission.registration_number,
                "year_admitted": admission.year_admitted,
                "verified_at": spec.verified_at if admission.verified else None,
                "verified_by_id": staff.pk if admission.verified else None,
                "created_at": now,
                "updated_at": now,
            }
            for spec, profile_id, _ in lawyers
            for admission in spec.admissions
        ]
        writer.insert(BarAdmission, admissions, ids=True)
        writer.insert(
            PracticeAreaExperience,
            [
                {
                    "profile_id": pk,
                    "practice_area_id": a.area.id,
                    "years": a.years,
                    "proficiency": a.proficiency,
                }
                for spec, pk, _ in lawyers
                for a in spec.practice_areas
            ],
        )
        writer.insert(
            LanguageSkill,
            [
                {"profile_id": pk, "code": code, "level": level}
                for spec, pk, _ in lawyers
                for code, level in spec.languages
            ],
        )
        writer.insert(
            Experience,
            [
                {
                    "profile_id": pk,
                    "organisation": role.organisation,
                    "organisation_normalised": normalised(role.organisation),
                    "role": role.role,
                    "kind": role.kind,
                    "start_date": role.start_date,
                    "end_date": role.end_date,
                }
                for spec, pk, _ in lawyers
                for role in spec.roles
            ],
        )
        writer.insert(
            Unavailability,
            [
                {"profile_id": pk, "start": start, "end": end, "reason": reason}
                for spec, pk, _ in lawyers
                for start, end, reason in spec.unavailabilities
            ],
        )
        writer.insert(
            DeclaredConflict,
            [
                {
                    "profile_id": pk,
                    "organisation": organisation,
                    "organisation_normalised": normalised(organisation),
                    "note": note,
                }
                for spec, pk, _ in lawyers
                for organisation, note in spec.conflicts
            ],
        )
        writer.insert(
            VettingDecision,
            [
                {
                    "profile_id": pk,
                    "from_status": decision.from_status,
                    "to_status": decision.to_status,
                    "by_id": {"lawyer": user_id, "staff": staff.pk}.get(decision.by),
                    "at": decision.at,
                    "reason": decision.reason,
                    # The lawyer "was told" when it happened: no email is queued to a demo address.
                    "notified_at": decision.at,
                }
                for spec, pk, user_id in lawyers
                for decision in spec.decisions
            ],
        )
        for model, rows in ((LawyerProfile, profiles), (BarAdmission, admissions)):
            writer.insert(model.history.model, _history_rows(model, rows, now=now))  # type: ignore[attr-defined]


# The tables `demo_lawyers_write` fills, for `demo_tables_analyze`.
WRITTEN_MODELS: tuple[type[Model], ...] = (
    User,
    LawyerProfile,
    BarAdmission,
    PracticeAreaExperience,
    LanguageSkill,
    Experience,
    Unavailability,
    DeclaredConflict,
    VettingDecision,
    LawyerProfile.history.model,  # type: ignore[attr-defined]
    BarAdmission.history.model,  # type: ignore[attr-defined]
)


def demo_tables_analyze() -> None:
    """Refresh the planner's statistics of the tables the demo lawyers went into (`tables_analyze`)."""
    tables_analyze(WRITTEN_MODELS)


def tables_analyze(models: Iterable[type[Model]]) -> None:
    """Refresh the planner's statistics of these models' tables after a bulk load (PostgreSQL only).

    Autovacuum would get there in its own time (if it runs at all); matching right after a bulk
    load (`make bench`, `make prove`) should not be planned on the statistics of empty tables. Outside
    a transaction it is `VACUUM (ANALYZE)`: the visibility map it sets lets the conflict and language
    probes read indexes alone, and the first match runs do not pay for setting every row's hint
    bits. Inside one (VACUUM cannot run there), ANALYZE alone. Elsewhere nothing.
    """
    if connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    tables = ", ".join(quote(model._meta.db_table) for model in models)
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        cursor.execute(f"{command} {tables}")


def _history_rows(model: type[Model], rows: list[Row], *, now: dt.datetime) -> list[Row]:
    """The "created" history entry of each stored row, as simple_history writes it on save."""
    history_model = model.history.model  # type: ignore[attr-defined]
    tracked = [f.attname for f in history_model._meta.concrete_fields if not f.name.startswith("history_")]
    entry = {
        "history_date": now,
        "history_change_reason": DEMO_CHANGE_REASON,
        "history_type": "+",
        "history_user_id": None,
    }
    return [{**{name: row[name] for name in tracked}, **entry} for row in rows]


class _Writer(Protocol):
    def insert(self, model: type[Model], rows: list[Row], *, ids: bool = False) -> list[int]:
        """Store rows (attname → value). With `ids`, set and return each one's primary key."""
        ...


class _OrmWriter:
    def insert(self, model: type[Model], rows: list[Row], *, ids: bool = False) -> list[int]:
        objects = [model(**row) for row in rows]
        model._default_manager.bulk_create(objects, batch_size=BATCH_SIZE)
        automatic = [
            f.attname
            for f in model._meta.concrete_fields
            if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False)
        ]
        pk_name = model._meta.pk.attname
        for row, obj in zip(rows, objects, strict=True):
            row[pk_name] = obj.pk
            for name in automatic:  # set by the model on insert: keep the rows in step
                row[name] = getattr(obj, name)
        return [obj.pk for obj in objects]


class _CopyWriter:
    """PostgreSQL's COPY (CSV): several times faster than INSERT for hundreds of thousands of rows."""

    def __init__(self, cursor: Any, *, now: dt.datetime) -> None:
        self.cursor = cursor
        self.now = now

    def insert(self, model: type[Model], rows: list[Row], *, ids: bool = False) -> list[int]:
        if not rows:
            return []
        meta = model._meta
        pk = meta.pk
        if ids:
            self.cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, pk.column, len(rows)],
            )
            for row, (pk_value,) in zip(rows, self.cursor.fetchall(), strict=True):
                row[pk.attname] = pk_value
        # Without a reserved id, the column is left out and the database numbers the rows.
        fields = [f for f in meta.concrete_fields if f.attname in rows[0] or f is not pk]
        missing = {f.attname: self._default(f) for f in fields if f.attname not in rows[0]}
        if missing:
            for row in rows:
                row.update(missing)
        buffer = io.StringIO()
        # Every text value is quoted and None is written as "" (quoted too): FORCE_NULL reads "" as NULL in
        # the nullable columns, none of which is text, and as an empty string everywhere else.
        csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n").writerows(
            map(itemgetter(*(f.attname for f in fields)), rows)
        )
        buffer.seek(0)
        quote = connection.ops.quote_name
        nullable = ", ".join(quote(f.column) for f in fields if f.null)
        options = f"FORMAT csv, FORCE_NULL ({nullable})" if nullable else "FORMAT csv"
        columns = ", ".join(quote(f.column) for f in fields)
        sql = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN WITH ({options})"
        if hasattr(self.cursor, "copy_expert"):  # psycopg2
            self.cursor.copy_expert(sql, buffer)
        else:  # psycopg 3
            with self.cursor.copy(sql) as copy:
                copy.write(buffer.getvalue())
        return [row[pk.attname] for row in rows] if ids else []

    def _default(self, field: Field) -> object:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return self.now
        return field.get_default()


def demo_lawyers_delete(*, chunk_size: int = 2000, progress: Callable[[int], object] | None = None) -> int:
    """Delete every generated demo lawyer (user, profile and all it holds), in chunks. Returns how many.

    The fixed demo accounts are not at the demo domain and stay. History entries of the deleted
    profiles and admissions go too: they describe rows that only ever existed as demo data.
    """
    user_ids = list(demo_lawyer_users().order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(user_ids), chunk_size):
        chunk = user_ids[start : start + chunk_size]
        with transaction.atomic():
            profile_ids = list(LawyerProfile.objects.filter(user_id__in=chunk).values_list("pk", flat=True))
            # Decisions name the lawyer who submitted (a protected reference): they go before the users.
            VettingDecision.objects.filter(profile_id__in=profile_ids).delete()
            LawyerProfile.history.filter(id__in=profile_ids).delete()  # type: ignore[attr-defined]
            BarAdmission.history.filter(profile_id__in=profile_ids).delete()  # type: ignore[attr-defined]
            # Without this, simple_history would write a "deleted" entry for every profile and admission.
            with override_settings(SIMPLE_HISTORY_ENABLED=False):
                LawyerProfile.objects.filter(pk__in=profile_ids).delete()
                User.objects.filter(pk__in=chunk).delete()
        if progress is not None:
            progress(len(chunk))
    return len(user_ids)

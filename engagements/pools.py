"""The database side of matching: gather each seat's candidates into the matching core's plain data.

At most ten queries per matter, whatever the number of seats or lawyers, in one transaction (with
`SET LOCAL jit = off` on PostgreSQL):

1. the pool, in four (five when a matchable lawyer is paid in a currency without an exchange rate):
   the currencies the matchable lawyers are paid in (a loose index scan), how
   many of them are active (matchable in a currency we convert, counted from a partial index),
   the ids of the others (and of any matchable lawyer in a currency without a rate), then the
   verified admissions in the seats' jurisdictions, one array of lawyers per jurisdiction, of
   which the active lawyers' are kept;
2. everyone's experience in the seats' practice areas and their parents, one row per area;
3. the pool's active engagements (hours booked over the matter's dates; live work on another
   matter for or against a counterparty); 4. their ratings; 5. how fast they answered offers;
6. seniority, capacity and rate of the lawyers in a seat's practice area (about one in six of
   the pool at 100k lawyers), by primary key;
7. two flags that cost an index probe per lawyer, unavailable over the matter's dates and speaks
   every required language, for the lawyers who also have the seniority and the free capacity
   (about one in ten); 8. when the matter names counterparties, the lawyers who declared one
   as a conflict or worked for one within the lookback (stored normalised names compared with
   the matter's), from the counterparties' side of the organisation indexes.

The funnel never reads a column for a lawyer that an earlier filter removed
(`matching.passing_before`), so 6 and 7 look up only what it will read; see `SeatPool`. Queries
3-5 (hand-written, see `_admitted_sql`) are restricted to the pool by a semi-join on the admissions,
not by the pool query again.
Large results come back as a single row of aggregates, one per column (see `_columns`), or one row
per jurisdiction or area (`_columns_by`): no Python object per value. Everything after is NumPy:
each seat is a slice of the pool rows (sorted by jurisdiction, then lawyer), and per-lawyer figures
are placed by position.
"""

import dataclasses
import datetime as dt
import json
import struct
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from accounts.models import ClientOrganisation
from engagements.matching import (
    CandidatePool,
    Filter,
    SeatSpec,
    normalise_party_name,
    passing_before,
    rates_to_usd,
)
from engagements.models import Engagement, Matter, Offer, Rating, Seat
from lawyers.models import (
    MATCHABLE,
    BarAdmission,
    DeclaredConflict,
    Experience,
    LanguageSkill,
    LawyerProfile,
    PracticeAreaExperience,
    Unavailability,
)

# Applied in SQL: the pool holds the vetted and active lawyers admitted in the seat's jurisdiction.
PREFILTERED = (Filter.ACTIVE, Filter.ADMITTED)


@dataclass(frozen=True)
class SeatPool:
    """One seat ready for the core: its spec, its candidates, and the counts of the SQL filters.

    Every column holds the lawyer's real value wherever the funnel or the scores read it. Costly
    ones are looked up only there (`matching.passing_before`): seniority, capacity and rate for
    the lawyers in the seat's practice area (or another seat's), the `unavailable_overlap` and
    `languages_ok` flags for those who also have the seniority and the free capacity; for the
    lawyers an earlier filter removes they hold placeholders (0, and passing flags) that nothing
    reads. `conflicted` is known for every lawyer (it is looked up from the counterparties' side).
    """

    seat: Seat
    spec: SeatSpec
    pool: CandidatePool
    prefiltered: Mapping[Filter, int]
    considered: int


def _to_usd(amount: Decimal | None, currency: str, usd_per_unit: Mapping[str, Decimal]) -> Decimal | None:
    if amount is None:
        return None
    rate = Decimal(1) if currency == "USD" else usd_per_unit[currency]
    return (amount * rate).quantize(Decimal("0.01"))


def seat_pools(
    *, matter: Matter, seats: Sequence[Seat], usd_per_unit: Mapping[str, Decimal], today: dt.date
) -> list[SeatPool]:
    """Every seat's candidate pool, built with a bounded number of queries (see the module docstring)."""
    if not seats:
        return []
    currencies = sorted({*usd_per_unit, "USD"})
    jurisdiction_ids = sorted({seat.jurisdiction_id for seat in seats})
    required = sorted(set(matter.required_languages))
    parties = sorted({normalise_party_name(name) for name in matter.counterparties} - {""})
    rate_cap_usd = _to_usd(matter.rate_cap, matter.currency, usd_per_unit)
    counterparties = frozenset(normalise_party_name(name) for name in matter.counterparties)

    with transaction.atomic():
        _jit_off()
        network = _Network.gather(jurisdiction_ids=jurisdiction_ids, currencies=currencies)
        areas = _AreaExperience.gather(seats=seats)
        network.add_engagements(matter=matter, jurisdiction_ids=jurisdiction_ids, parties=set(parties))
        network.add_ratings(jurisdiction_ids=jurisdiction_ids)
        network.add_response_hours(jurisdiction_ids=jurisdiction_ids, today=today)

        # The funnel reads a lawyer's profile columns only in a seat whose practice area they have,
        # and the two probed flags only where they also have the seniority and the free capacity (its
        # order: `Filter`; tests/test_match_runs_pools.py checks the order this relies on).
        experience = []
        in_an_area = np.zeros(len(network.lawyers), dtype=np.bool_)
        for seat in seats:
            rows = network.rows_in(seat.jurisdiction_id)
            columns = areas.columns(
                network.profile_id[rows], seat.practice_area_id, seat.practice_area.parent_id
            )
            in_an_area[network.lawyer_index[rows][columns[2]]] = True
            experience.append(columns)
        network.add_profiles(in_an_area, currencies=currencies, usd_per_unit=usd_per_unit)

        drafts: list[tuple[Seat, SeatSpec, CandidatePool]] = []
        wanted = np.zeros(len(network.lawyers), dtype=np.bool_)
        for seat, (depth_years, proficiency, practice_match) in zip(seats, experience, strict=True):
            rows = network.rows_in(seat.jurisdiction_id)
            lawyer = network.lawyer_index[rows]
            spec = SeatSpec(
                seat_id=seat.pk,
                jurisdiction_code=seat.jurisdiction.code,
                practice_area_id=seat.practice_area_id,
                practice_area_name=seat.practice_area.name,
                practice_area_parent_id=seat.practice_area.parent_id,
                min_seniority_years=seat.min_seniority_years,
                hours_per_week=seat.hours_per_week,
                start=matter.start_date,
                end=matter.end_date,
                rate_cap_usd=rate_cap_usd,
                required_languages=frozenset(required),
                counterparties=counterparties,
                label=seat.display_label,
            )
            draft = CandidatePool(
                lawyer_id=network.profile_id[rows],
                seniority_years=network.seniority_years[lawyer],
                depth_years=depth_years,
                proficiency=proficiency,
                weekly_capacity_hours=network.weekly_capacity_hours[lawyer],
                booked_hours_per_week=network.booked_hours[lawyer],
                rate_usd=network.rate_usd[lawyer],
                practice_match=practice_match,
                avg_rating=network.avg_rating[lawyer],
                rating_count=network.rating_count[lawyer],
                response_hours=network.response_hours[lawyer],
            )
            wanted[lawyer[passing_before(Filter.AVAILABLE, spec, draft, prefiltered=PREFILTERED)]] = True
            drafts.append((seat, spec, draft))

        flags = _Flags.gather(
            lawyers=network.lawyers[wanted], matter=matter, required=required, parties=parties, today=today
        )

    result = []
    for seat, spec, draft in drafts:
        lawyer = network.lawyer_index[network.rows_in(seat.jurisdiction_id)]
        unavailable, languages_ok, conflicted = flags.columns(draft.lawyer_id)
        pool = dataclasses.replace(
            draft,
            unavailable_overlap=unavailable,
            languages_ok=languages_ok,
            conflicted=conflicted | network.engaged_conflict[lawyer],
        )
        result.append(
            SeatPool(
                seat=seat,
                spec=spec,
                pool=pool,
                prefiltered={Filter.ACTIVE: network.active, Filter.ADMITTED: len(pool)},
                considered=network.considered,
            )
        )
    return result


def _jit_off() -> None:
    """On PostgreSQL, no JIT compilation for the rest of this transaction.

    The estimated cost of the pool and flag queries can pass PostgreSQL's JIT thresholds, and
    compiling costs far more than running them: measured at 100k lawyers, 70 ms to compile a
    one-seat query, over 3 s for ten seats (above `jit_optimize_above_cost`).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


# --- SQL helpers: column arrays, and id lists as one parameter -----------------------------------

_SQL_TYPES: dict[Any, str] = {np.int64: "BIGINT", np.float64: "DOUBLE PRECISION", np.bool_: "BOOLEAN"}
# How PostgreSQL's binary array format (array_send) writes each element: big-endian, fixed size.
_BINARY_ELEMENTS: dict[Any, str] = {np.int64: ">i8", np.float64: ">f8", np.bool_: "?"}
# A three-letter code (a currency): on PostgreSQL the codes come back concatenated in one string.
CODE = np.dtype("S3")


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _placeholders(values: Sequence[object]) -> str:
    return ", ".join(["%s"] * len(values))


def _columns(
    select: Sequence[tuple[str, Any]], tail: str, params: Sequence[object]
) -> list[npt.NDArray[Any]]:
    """`SELECT <expressions> <tail>` as one NumPy array per expression (none may be NULL).

    The query returns a single row of aggregates: each column aggregated into one value (on
    PostgreSQL numbers and flags as a binary array, `array_send`, decoded with `np.frombuffer`;
    on SQLite, the other database the project runs on, a JSON array), three-letter codes (`CODE`)
    concatenated into one string; all the aggregates of one query see the rows in the same order.
    No Python object per value. Each expression comes with its dtype: int64, float64, bool or
    `CODE`. `params` follow the placeholders in SQL order.
    """
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(_aggregates(select))} {tail}", params)
        return _decoded(cursor.fetchone(), select)


def _columns_by(
    key: str, select: Sequence[tuple[str, Any]], tail: str, params: Sequence[object]
) -> dict[int, list[npt.NDArray[Any]]]:
    """As `_columns`, one set of columns per value of the integer expression `key` (`tail` must
    not group): `SELECT key, <aggregates> <tail> GROUP BY key`. The key is sent once per group,
    not once per row."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {key}, {', '.join(_aggregates(select))} {tail} GROUP BY {key}", params)
        return {int(row[0]): _decoded(row[1:], select) for row in cursor.fetchall()}


def _aggregates(select: Sequence[tuple[str, Any]]) -> list[str]:
    postgresql = connection.vendor == "postgresql"
    aggregates = []
    for expression, dtype in select:
        if dtype == CODE:
            concatenate = "string_agg" if postgresql else "group_concat"
            aggregates.append(f"{concatenate}(CAST({expression} AS TEXT), '')")
        elif postgresql:
            aggregates.append(f"array_send(array_agg(CAST({expression} AS {_SQL_TYPES[dtype]})))")
        else:
            aggregates.append(f"json_group_array({expression})")
    return aggregates


def _decoded(values: Sequence[Any], select: Sequence[tuple[str, Any]]) -> list[npt.NDArray[Any]]:
    postgresql = connection.vendor == "postgresql"
    columns = [
        _from_codes(value)
        if dtype == CODE
        else _from_binary_array(value, dtype)
        if postgresql
        else np.array(json.loads(value or "[]"), dtype=dtype).reshape(-1)
        for value, (_, dtype) in zip(values, select, strict=True)
    ]
    if len({len(column) for column in columns}) > 1:
        raise ValueError("the aggregated columns differ in length.")
    return columns


def _from_codes(value: str | None) -> npt.NDArray[np.bytes_]:
    """Three-letter codes concatenated by `string_agg`, as an array of codes."""
    data = (value or "").encode("ascii")
    if len(data) % CODE.itemsize:
        raise ValueError("expected three-letter codes.")
    return np.frombuffer(data, dtype=CODE)


def _from_binary_array(value: bytes | memoryview | None, dtype: type[np.generic]) -> npt.NDArray[Any]:
    """A one-dimensional PostgreSQL array without NULLs, in its binary format, as a NumPy array."""
    if value is None:  # array_agg over no rows
        return np.empty(0, dtype=dtype)
    data = memoryview(value)
    dimensions, has_nulls, _element_type = struct.unpack_from(">iii", data)
    if dimensions == 0:
        return np.empty(0, dtype=dtype)
    if dimensions != 1 or has_nulls:
        raise ValueError("expected a one-dimensional array without NULLs.")
    length, _lower_bound = struct.unpack_from(">ii", data, 12)
    layout = np.dtype([("size", ">i4"), ("value", _BINARY_ELEMENTS[dtype])])
    items = np.frombuffer(data, dtype=layout, count=length, offset=20)
    if (items["size"] != layout["value"].itemsize).any():
        raise ValueError("unexpected element size in a binary array.")
    return items["value"].astype(dtype)


def _id_table(alias: str, ids: npt.NDArray[np.int64]) -> tuple[str, list[object]]:
    """`ids` as a one-column table `alias(id)`, for a FROM clause, with a single parameter.

    Each lawyer is probed straight from the list: no lookup of their profile row first."""
    if connection.vendor == "postgresql":
        return f"unnest(CAST(%s AS BIGINT[])) AS {alias}(id)", ["{" + ",".join(map(str, ids.tolist())) + "}"]
    return f"(SELECT value AS id FROM json_each(%s)) AS {alias}", [json.dumps(ids.tolist())]  # noqa: S608


def _admitted_sql(jurisdiction_ids: Sequence[int], lawyer: str) -> tuple[str, list[object]]:
    """The lawyer (`lawyer`: a column of the outer query) has a verified admission in one of them.

    Hand-written, as are the three small queries that use it: built with the ORM, each spent about
    2 ms of Python composing about 1 ms of SQL (measured at 100k lawyers)."""
    return (
        f"EXISTS (SELECT 1 FROM {_table(BarAdmission)} a WHERE a.profile_id = {lawyer}"  # noqa: S608
        f" AND a.jurisdiction_id IN ({_placeholders(jurisdiction_ids)}) AND a.verified_at IS NOT NULL)",
        list(jurisdiction_ids),
    )


def _positions(
    sorted_ids: npt.NDArray[np.int64], ids: Sequence[int]
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.bool_]]:
    """For each of `ids`, whether it is in `sorted_ids`, and the positions of those that are."""
    wanted = np.asarray(ids, dtype=np.int64)
    if not len(sorted_ids):
        return np.empty(0, dtype=np.intp), np.zeros(len(wanted), dtype=np.bool_)
    positions = np.minimum(np.searchsorted(sorted_ids, wanted), len(sorted_ids) - 1)
    found = sorted_ids[positions] == wanted
    return positions[found], found


# --- the pool ------------------------------------------------------------------------------------


def _matchable_currencies(matchable: QuerySet[LawyerProfile]) -> list[str]:
    """The distinct currencies of the `matchable` lawyers, one index probe each (a loose index scan
    of `lawyer_profile_matchable_idx`): a few dozen probes rather than a pass over every lawyer."""
    query = matchable.query
    where, params = query.get_compiler(connection=connection).compile(query.where)
    table = _table(LawyerProfile)
    currency = f"{table}.{connection.ops.quote_name('rate_currency')}"
    sql = (
        "WITH RECURSIVE c(code) AS ("  # noqa: S608 (the condition is the ORM's, with its parameters)
        f"SELECT MIN({currency}) FROM {table} WHERE {where}"
        f" UNION ALL SELECT (SELECT MIN({currency}) FROM {table} WHERE {where} AND {currency} > c.code)"
        " FROM c WHERE c.code IS NOT NULL"
        ") SELECT code FROM c WHERE code IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *params])
        return [code for (code,) in cursor.fetchall()]


class _Network:
    """The admitted active lawyers of the seats' jurisdictions: one row per (jurisdiction, lawyer),
    sorted by jurisdiction then lawyer. Per-lawyer figures are arrays over `lawyers` (the distinct
    lawyers, sorted), which `lawyer_index` maps each row to. `considered` and `active` count the
    lawyers of the whole network, and those vetted and active.

    The profile columns (seniority, capacity, rate in USD) are read by `add_profiles` for the
    lawyers given; the others keep 0, a placeholder (see `SeatPool`)."""

    def __init__(self, admitted: Mapping[int, npt.NDArray[np.int64]], *, considered: int, active: int):
        """`admitted`: per jurisdiction, the sorted ids of its admitted active lawyers."""
        jurisdictions = sorted(admitted)
        self.jurisdiction_id = np.repeat(
            np.array(jurisdictions, dtype=np.int64), [len(admitted[j]) for j in jurisdictions]
        )
        self.profile_id = np.concatenate([np.empty(0, dtype=np.int64), *(admitted[j] for j in jurisdictions)])
        if len(jurisdictions) == 1:  # one admission per lawyer and jurisdiction: already distinct
            self.lawyers = self.profile_id
            self.lawyer_index = np.arange(len(self.profile_id))
        else:
            ordered = np.sort(self.profile_id)  # (np.unique hashes: several times slower here)
            self.lawyers = ordered[np.r_[True, ordered[1:] != ordered[:-1]]] if len(ordered) else ordered
            self.lawyer_index = np.searchsorted(self.lawyers, self.profile_id)
        m = len(self.lawyers)
        self.considered = considered
        self.active = active
        self.seniority_years = np.zeros(m, dtype=np.float64)
        self.weekly_capacity_hours = np.zeros(m, dtype=np.float64)
        self.rate_usd = np.zeros(m, dtype=np.float64)
        self.booked_hours = np.zeros(m, dtype=np.float64)
        self.engaged_conflict = np.zeros(m, dtype=np.bool_)
        self.avg_rating = np.full(m, np.nan, dtype=np.float64)
        self.rating_count = np.zeros(m, dtype=np.int64)
        self.response_hours = np.full(m, np.nan, dtype=np.float64)

    @classmethod
    def gather(cls, *, jurisdiction_ids: Sequence[int], currencies: Sequence[str]) -> "_Network":
        """Four or five queries, each answered from an index alone: the currencies the matchable
        lawyers (`MATCHABLE`) are paid in, how many of them are active (matchable in a currency we
        convert), the ids of the others (about one in six; with the ids of any matchable lawyer in
        a currency without a rate, a fifth query), and the verified admissions in the seats'
        jurisdictions, one array of lawyers per jurisdiction. The inactive lawyers' admissions are
        dropped here. (One pass over the profiles joined to the admissions, measured at 100k
        lawyers: 3x the time of these.)"""
        matchable = LawyerProfile.objects.filter(MATCHABLE).order_by()
        present = _matchable_currencies(matchable)
        rated = set(currencies)
        convertible = [code for code in present if code in rated]
        active = matchable.filter(rate_currency__in=convertible).count() if convertible else 0
        unmatchable, unmatchable_params = (
            LawyerProfile.objects.exclude(MATCHABLE).order_by().values("id").query.sql_with_params()
        )
        (inactive,) = _columns([("p.id", np.int64)], f"FROM ({unmatchable}) p", unmatchable_params)
        unconvertible = [code for code in present if code not in rated]
        if unconvertible:  # matchable, but in a currency without an exchange rate: not active either
            stranded, stranded_params = (
                matchable.filter(rate_currency__in=unconvertible).values("id").query.sql_with_params()
            )
            (stranded_ids,) = _columns([("p.id", np.int64)], f"FROM ({stranded}) p", stranded_params)
            inactive = np.concatenate([inactive, stranded_ids])
        considered = active + len(inactive)
        # One row per jurisdiction: its lawyers' ids in one array (the jurisdiction is not repeated).
        admitted = _columns_by(
            "a.jurisdiction_id",
            [("a.profile_id", np.int64)],
            f"FROM {_table(BarAdmission)} a WHERE a.jurisdiction_id IN ({_placeholders(jurisdiction_ids)})"
            " AND a.verified_at IS NOT NULL",
            jurisdiction_ids,
        )
        inactive = np.sort(inactive)
        active_admitted = {}
        for jurisdiction, (profile,) in admitted.items():
            profile = np.sort(profile)
            _, dropped = _positions(inactive, profile)
            active_admitted[jurisdiction] = profile[~dropped]
        return cls(active_admitted, considered=considered, active=active)

    def add_profiles(
        self, wanted: npt.NDArray[np.bool_], *, currencies: Sequence[str], usd_per_unit: Mapping[str, Decimal]
    ) -> None:
        """One query: seniority, capacity and rate (in USD) of the `wanted` lawyers (a mask over
        `lawyers`), each looked up from the list in `lawyer_profile_match_cols_idx` alone (at 100k
        lawyers, 3.5k of them: 19 ms, against 23 ms through the primary key and the table). A
        lawyer who stopped being active since the pool was read is left out (placeholders: no
        capacity, so the funnel drops them) rather than failing the run."""
        active, active_params = (
            LawyerProfile.objects.filter(MATCHABLE, rate_currency__in=currencies)
            .order_by()
            .values("id", "seniority_years", "weekly_capacity_hours", "hourly_rate", "rate_currency")
            .query.sql_with_params()
        )
        among, params = _id_table("w", self.lawyers[wanted])
        (profile, seniority, capacity, rate, currency) = _columns(
            [
                ("p.id", np.int64),
                ("p.seniority_years", np.float64),
                ("p.weekly_capacity_hours", np.float64),
                ("p.hourly_rate", np.float64),
                ("p.rate_currency", CODE),
            ],
            f"FROM {among} JOIN ({active}) p ON p.id = w.id",
            [*params, *active_params],
        )
        positions, found = _positions(self.lawyers, profile)
        self.seniority_years[positions] = seniority[found]
        self.weekly_capacity_hours[positions] = capacity[found]
        # In USD as the matching core converts (`rates_to_usd`): the float rate times the float rate.
        self.rate_usd[positions] = rates_to_usd(rate[found], currency[found].astype(str), usd_per_unit)

    def rows_in(self, jurisdiction_id: int) -> slice:
        """The rows of one jurisdiction (a slice: the rows are sorted by jurisdiction)."""
        start, end = np.searchsorted(self.jurisdiction_id, [jurisdiction_id, jurisdiction_id + 1])
        return slice(int(start), int(end))

    def add_engagements(self, *, matter: Matter, jurisdiction_ids: Sequence[int], parties: set[str]) -> None:
        """One query over the pool's active engagements: hours a week booked over the matter's dates,
        and live work on another matter for or against one of its counterparties (a conflict)."""
        admitted, admitted_params = _admitted_sql(jurisdiction_ids, "g.lawyer_id")
        booked: dict[int, Decimal] = defaultdict(Decimal)
        engaged: set[int] = set()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT g.lawyer_id, g.matter_id, CAST(g.hours_per_week AS TEXT),"  # noqa: S608
                " CASE WHEN g.start_date <= %s AND g.end_date >= %s THEN 1 ELSE 0 END,"
                " o.name, m.counterparties_normalised"
                f" FROM {_table(Engagement)} g JOIN {_table(Matter)} m ON m.id = g.matter_id"
                f" JOIN {_table(ClientOrganisation)} o ON o.id = m.organisation_id"
                f" WHERE g.status = %s AND {admitted}",
                [matter.end_date, matter.start_date, Engagement.Status.ACTIVE, *admitted_params],
            )
            rows = cursor.fetchall()
        for lawyer_id, matter_id, hours, overlaps, client, their_parties in rows:
            if overlaps:
                booked[lawyer_id] += Decimal(hours)
            if (
                parties
                and matter_id != matter.pk
                and (
                    normalise_party_name(client) in parties
                    or parties.intersection(json.loads(their_parties or "[]"))
                )
            ):
                engaged.add(lawyer_id)
        if booked:
            positions, found = _positions(self.lawyers, list(booked))
            self.booked_hours[positions] = np.array([float(hours) for hours in booked.values()])[found]
        if engaged:
            positions, _ = _positions(self.lawyers, sorted(engaged))
            self.engaged_conflict[positions] = True

    def add_ratings(self, *, jurisdiction_ids: Sequence[int]) -> None:
        """(average score, number of ratings) per lawyer, from clients' ratings of their engagements."""
        admitted, admitted_params = _admitted_sql(jurisdiction_ids, "g.lawyer_id")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT g.lawyer_id, AVG(CAST(r.score AS DOUBLE PRECISION)), COUNT(*)"  # noqa: S608
                f" FROM {_table(Rating)} r JOIN {_table(Engagement)} g ON g.id = r.engagement_id"
                f" WHERE {admitted} GROUP BY g.lawyer_id",
                admitted_params,
            )
            rows = cursor.fetchall()
        if rows:
            lawyer_ids, averages, counts = zip(*rows, strict=True)
            positions, found = _positions(self.lawyers, lawyer_ids)
            self.avg_rating[positions] = np.array(averages, dtype=np.float64)[found]
            self.rating_count[positions] = np.array(counts, dtype=np.int64)[found]

    def add_response_hours(self, *, jurisdiction_ids: Sequence[int], today: dt.date) -> None:
        """Median hours each lawyer took to answer an offer (accept or decline), over the last year
        (offers made since local midnight a year ago)."""
        since = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=365), dt.time.min))
        if connection.vendor == "postgresql":
            hours = "EXTRACT(EPOCH FROM o.answered_at - o.created_at) / 3600.0"
        else:
            hours = "(julianday(o.answered_at) - julianday(o.created_at)) * 24.0"
        admitted, admitted_params = _admitted_sql(jurisdiction_ids, "o.lawyer_id")
        answered: dict[int, list[float]] = defaultdict(list)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT o.lawyer_id, CAST({hours} AS DOUBLE PRECISION) FROM {_table(Offer)} o"  # noqa: S608
                f" WHERE o.answered_at IS NOT NULL AND o.created_at >= %s AND {admitted}",
                [connection.ops.adapt_datetimefield_value(since), *admitted_params],
            )
            for lawyer_id, taken in cursor.fetchall():
                answered[lawyer_id].append(max(float(taken), 0.0))
        if answered:
            positions, found = _positions(self.lawyers, list(answered))
            medians = np.array([float(np.median(hours)) for hours in answered.values()])
            self.response_hours[positions] = medians[found]


# Proficiency is 1 to 4 (`practice_area_proficiency_1_to_4`): it fits below 8.
_PROFICIENCY_SLOTS = 8


class _AreaExperience:
    """The pool's experience in the seats' practice areas and their parents: per area, the lawyers
    (sorted) with their years and proficiency."""

    def __init__(self, by_area: Mapping[int, Sequence[npt.NDArray[Any]]]):
        """`by_area`: per area, (lawyer ids, years * `_PROFICIENCY_SLOTS` + proficiency)."""
        self.by_area = {}
        for area, (profile, packed) in by_area.items():
            order = np.argsort(profile)
            years, proficiency = np.divmod(packed[order], _PROFICIENCY_SLOTS)
            self.by_area[area] = (profile[order], years.astype(np.float64), proficiency.astype(np.float64))

    @classmethod
    def gather(cls, *, seats: Sequence[Seat]) -> "_AreaExperience":
        """One query: everyone's experience in the seats' areas and their parents."""
        area_ids = sorted(
            {seat.practice_area_id for seat in seats}
            | {seat.practice_area.parent_id for seat in seats if seat.practice_area.parent_id}
        )
        # Not narrowed to the pool: a semi-join on the admissions costs more than the rows it saves.
        # Years and proficiency (1-4, a constraint) travel as one number: each aggregated column
        # costs about 0.3 us a row (measured at 100k lawyers: 16k rows, 15 ms in three, 7 in two).
        by_area = _columns_by(
            "e.practice_area_id",
            [
                ("e.profile_id", np.int64),
                (f"CAST(e.years AS BIGINT) * {_PROFICIENCY_SLOTS} + e.proficiency", np.int64),
            ],
            f"FROM {_table(PracticeAreaExperience)} e"
            f" WHERE e.practice_area_id IN ({_placeholders(area_ids)})",
            area_ids,
        )
        return cls(by_area)

    def columns(
        self, lawyer_id: npt.NDArray[np.int64], area: int, parent: int | None
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
        """(years, proficiency, in the area or its parent) for the lawyers (sorted ids) of a seat.

        Experience in the seat's own area counts; without it, experience in the parent area does.
        A lawyer with neither has 0 years at proficiency 1 (and is filtered out by the funnel).
        """
        n = len(lawyer_id)
        years = np.zeros(n, dtype=np.float64)
        proficiency = np.ones(n, dtype=np.float64)
        matched = np.zeros(n, dtype=np.bool_)
        for area_id in (parent, area):  # the area's own experience last, so it wins
            if area_id is None or area_id not in self.by_area:
                continue
            ids, area_years, area_proficiency = self.by_area[area_id]
            rows, found = _positions(lawyer_id, ids)
            years[rows] = area_years[found]
            proficiency[rows] = area_proficiency[found]
            matched[rows] = True
        return years, proficiency, matched


class _Flags:
    """Three flags: unavailable over the matter's dates and speaks every required language, an
    indexed EXISTS per lawyer for some lawyers (sorted ids; the others read as passing, see
    `SeatPool`); and declared a counterparty as a conflict or worked for one within the lookback,
    for every lawyer, from the counterparties' side."""

    def __init__(self, columns: Sequence[npt.NDArray[Any]], conflicted: npt.NDArray[np.int64]):
        profile, unavailable, speaks = columns
        order = np.argsort(profile)
        self.lawyers = profile[order]
        self.unavailable, self.speaks = unavailable[order], speaks[order]
        self.conflicted_lawyers = np.unique(conflicted)

    @classmethod
    def gather(
        cls,
        *,
        lawyers: npt.NDArray[np.int64],
        matter: Matter,
        required: Sequence[str],
        parties: Sequence[str],
        today: dt.date,
    ) -> "_Flags":
        """Two queries: the flags of the given lawyers (a single parameter however many), and the
        lawyers in conflict with the counterparties (none without counterparties).

        A counterparty is a handful of rows in the organisation indexes, so conflicts are looked up
        from its side, not probed per lawyer (measured at 100k lawyers: 0.4 ms against 10 ms for
        2.2k lawyers)."""
        quote = connection.ops.quote_name
        params: list[object] = [matter.end_date, matter.start_date]
        unavailable = (
            f"EXISTS (SELECT 1 FROM {_table(Unavailability)} u WHERE u.profile_id = p.id"  # noqa: S608
            f" AND u.{quote('start')} <= %s AND u.{quote('end')} >= %s)"
        )
        speaks = " AND ".join(
            f"EXISTS (SELECT 1 FROM {_table(LanguageSkill)} l WHERE l.profile_id = p.id AND l.code = %s)"  # noqa: S608
            for _ in required
        )
        params += required
        among, among_params = _id_table("p", lawyers)
        columns = _columns(
            [("p.id", np.int64), (unavailable, np.bool_), (speaks or "1 = 1", np.bool_)],
            f"FROM {among}",
            [*params, *among_params],
        )
        conflicted = np.empty(0, dtype=np.int64)
        if parties:
            lookback_years = int(getattr(settings, "MATCHING_CONFLICT_LOOKBACK_YEARS", 3))
            since = today - dt.timedelta(days=round(365.25 * lookback_years))
            declared = DeclaredConflict.objects.filter(organisation_normalised__in=parties).values_list(
                "profile_id", flat=True
            )
            employed = (
                Experience.objects.filter(organisation_normalised__in=parties)
                .filter(Q(end_date__isnull=True) | Q(end_date__gte=since))
                .values_list("profile_id", flat=True)
            )
            either, either_params = (
                declared.order_by().union(employed.order_by(), all=True).query.sql_with_params()
            )
            (conflicted,) = _columns([("c.profile_id", np.int64)], f"FROM ({either}) c", either_params)
        return cls(columns, conflicted)

    def columns(
        self, lawyer_id: npt.NDArray[np.int64]
    ) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
        """(unavailable, speaks, conflicted) for a seat's lawyers; passing where not looked up
        (conflicted is known for everyone)."""
        n = len(lawyer_id)
        unavailable = np.zeros(n, dtype=np.bool_)
        speaks = np.ones(n, dtype=np.bool_)
        rows, found = _positions(lawyer_id, self.lawyers)
        unavailable[rows] = self.unavailable[found]
        speaks[rows] = self.speaks[found]
        conflicted = np.isin(lawyer_id, self.conflicted_lawyers, assume_unique=True)
        return unavailable, speaks, conflicted

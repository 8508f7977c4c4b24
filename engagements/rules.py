"""Pure rules for matters and seats: what a valid matter looks like. No database here."""

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

import pycountry

from engagements.matching import normalise_party_name

HOURS_PER_WEEK_MAX = Decimal("60")
SENIORITY_YEARS_MAX = 60
ONE_EXPERT_SEATS = 1

_SPACES = re.compile(r"\s+")


def counterparties_clean(names: Iterable[str]) -> tuple[list[str], list[str]]:
    """(names as entered, normalised names): blanks and duplicates (after normalising) dropped."""
    kept: list[str] = []
    normalised: list[str] = []
    for name in names:
        display = _SPACES.sub(" ", (name or "").strip())
        key = normalise_party_name(display)
        if key and key not in normalised:
            kept.append(display)
            normalised.append(key)
    return kept, normalised


def language_codes_clean(codes: Iterable[str]) -> list[str]:
    """Lower-cased ISO 639-1 codes without duplicates; raises ValueError naming the unknown ones."""
    cleaned: list[str] = []
    unknown: list[str] = []
    for code in codes:
        value = (code or "").strip().lower()
        if not value:
            continue
        if len(value) != 2 or pycountry.languages.get(alpha_2=value) is None:
            unknown.append(code.strip())
        elif value not in cleaned:
            cleaned.append(value)
    if unknown:
        raise ValueError(
            f"Not ISO 639-1 language codes: {', '.join(unknown)} (use two letters, e.g. en, fr)."
        )
    return cleaned


@dataclass(frozen=True)
class Problem:
    """One reason a matter cannot be saved, and the field it belongs to (None: the whole matter)."""

    field: str | None
    message: str


def matter_problems(
    *,
    start_date: dt.date | None,
    end_date: dt.date | None,
    rate_cap: Decimal | None,
    budget_total: Decimal | None,
    currency: str,
    known_currencies: Iterable[str],
) -> list[Problem]:
    """What is wrong with a matter's dates and money, field by field."""
    problems: list[Problem] = []
    if start_date and end_date and end_date < start_date:
        problems.append(Problem("end_date", "The end date must be on or after the start date."))
    if rate_cap is not None and rate_cap <= 0:
        problems.append(Problem("rate_cap", "The rate cap must be more than zero."))
    if budget_total is not None and budget_total <= 0:
        problems.append(Problem("budget_total", "The budget must be more than zero."))
    code = (currency or "").strip().upper()
    known = sorted(set(known_currencies))
    if not code:
        problems.append(Problem("currency", "Choose the currency of the rate cap and budget."))
    elif code not in known:
        what = (
            f"{code} is not an ISO 4217 currency code"
            if pycountry.currencies.get(alpha_3=code) is None
            else f"We have no exchange rate for {code}"
        )
        listed = ", ".join(known) if known else "none yet"
        problems.append(Problem("currency", f"{what}. Currencies we can compare: {listed}."))
    return problems


def seat_problems(
    *,
    hours_per_week: Decimal | None,
    min_seniority_years: int | None,
    jurisdiction_is_active: bool,
) -> list[Problem]:
    """What is wrong with one seat, field by field."""
    problems: list[Problem] = []
    if hours_per_week is not None and not (0 < hours_per_week <= HOURS_PER_WEEK_MAX):
        problems.append(
            Problem("hours_per_week", f"Hours per week must be more than 0 and at most {HOURS_PER_WEEK_MAX}.")
        )
    if min_seniority_years is not None and not (0 <= min_seniority_years <= SENIORITY_YEARS_MAX):
        problems.append(
            Problem("min_seniority_years", f"Minimum seniority must be 0 to {SENIORITY_YEARS_MAX} years.")
        )
    if not jurisdiction_is_active:
        problems.append(Problem("jurisdiction", "This jurisdiction is not active in the network."))
    return problems


def seat_count_problem(*, engagement_model: str, seat_count: int) -> Problem | None:
    """A matter needs at least one seat; one expert means exactly one."""
    if seat_count == 0:
        return Problem(None, "Add at least one seat: the position to staff, with its jurisdiction.")
    if engagement_model == "one_expert" and seat_count != ONE_EXPERT_SEATS:
        return Problem(None, "A one-expert matter has exactly one seat; choose “a team” for more.")
    return None


def matter_fingerprint(*, matter: Mapping[str, object], seats: Sequence[Mapping[str, object]]) -> str:
    """A hash of what decides who matches: equal inputs, equal fingerprint, whatever the order of lists."""

    def plain(value: object) -> object:
        if isinstance(value, Decimal):
            return f"{value:.2f}"
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, list | tuple | set | frozenset):
            return sorted(str(item) for item in value)
        return value

    payload = {
        "matter": {key: plain(value) for key, value in sorted(matter.items())},
        "seats": [{key: plain(value) for key, value in sorted(seat.items())} for seat in seats],
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()

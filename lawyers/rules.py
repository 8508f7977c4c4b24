"""Pure rules of the lawyer network: normalisation, code validation, seniority. No database here."""

import datetime as dt
import re
import uuid
from collections.abc import Iterable
from pathlib import PurePath
from typing import Any

import pycountry
from django.core.exceptions import ValidationError

from engagements.matching.names import normalise_party_name
from lawyers.uploads import extension_for

_SPACES = re.compile(r"\s+")


def normalise_registration_number(value: str) -> str:
    """Registration numbers compare without spaces and case: ' ab 123 ' and 'AB123' are the same."""
    return _SPACES.sub("", value or "").upper()


def normalise_organisation_name(value: str) -> str:
    """Organisation and person names compare without accents, case, punctuation or repeated spaces.

    The matching core's `normalise_party_name`, so that declared conflicts and employers stored
    with it compare equal, in SQL, to a matter's counterparties ("Müller & Co." is "muller & co").
    """
    return normalise_party_name(value or "")


def validate_language_code(value: str) -> None:
    """An ISO 639-1 (two-letter) language code known to pycountry."""
    if (
        not isinstance(value, str)
        or len(value) != 2
        or pycountry.languages.get(alpha_2=value.lower()) is None
    ):
        raise ValidationError("%(value)s is not an ISO 639-1 language code.", params={"value": value})


# ISO 4217 codes that are not money anyone is paid in: precious metals, funds, testing, "no currency".
NON_PAYMENT_CURRENCIES = frozenset(
    {"XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XDR", "XPD", "XPT", "XSU", "XTS", "XUA", "XXX"}
)


def validate_currency_code(value: str) -> None:
    """An ISO 4217 currency code known to pycountry that people are paid in."""
    if (
        not isinstance(value, str)
        or len(value) != 3
        or value.upper() in NON_PAYMENT_CURRENCIES
        or pycountry.currencies.get(alpha_3=value.upper()) is None
    ):
        raise ValidationError("%(value)s is not an ISO 4217 currency code.", params={"value": value})


def language_choices() -> list[tuple[str, str]]:
    """(ISO 639-1 code, English name) for every language with a two-letter code, by name."""
    languages = [(lang.alpha_2, lang.name) for lang in pycountry.languages if hasattr(lang, "alpha_2")]
    return sorted(languages, key=lambda item: item[1])


def currency_choices() -> list[tuple[str, str]]:
    """(ISO 4217 code, "EUR — Euro") for every current currency, by code."""
    return sorted(
        (c.alpha_3, f"{c.alpha_3} — {c.name}")
        for c in pycountry.currencies
        if c.alpha_3 not in NON_PAYMENT_CURRENCIES
    )


def document_upload_to(instance: Any, filename: str) -> str:
    """A random storage name: the uploader's file name never reaches the filesystem."""
    extension = extension_for(getattr(instance, "content_type", ""))
    today = dt.date.today()
    return str(PurePath("lawyer-documents", f"{today:%Y/%m}", f"{uuid.uuid4().hex}{extension}"))


def seniority_years(
    *,
    admission_years: Iterable[int],
    legal_experience: Iterable[tuple[dt.date, dt.date | None]],
    today: dt.date,
) -> int:
    """Post-qualification experience in whole years.

    Qualification is 1 January of the earliest admission year; the years counted are those covered by
    legal experience (law firm or in-house roles) since then, overlapping roles counted once. No
    admission means no post-qualification experience.
    """
    years = [year for year in admission_years if year]
    if not years:
        return 0
    qualified = dt.date(min(years), 1, 1)
    intervals = sorted(
        (max(start, qualified), min(end or today, today))
        for start, end in legal_experience
        if (end or today) > qualified and start <= today
    )
    days = 0
    current_start: dt.date | None = None
    current_end: dt.date | None = None
    for start, end in intervals:
        if end <= start:
            continue
        if current_end is None or start > current_end:
            if current_start is not None and current_end is not None:
                days += (current_end - current_start).days
            current_start, current_end = start, end
        elif end > current_end:
            current_end = end
    if current_start is not None and current_end is not None:
        days += (current_end - current_start).days
    return int(days // 365.25)

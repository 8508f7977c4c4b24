"""How the matching core writes numbers, money and lists in the sentences people read."""

from __future__ import annotations

from decimal import Decimal


def format_number(value: Decimal | float | int) -> str:
    """A number for people: thousands separated, no trailing zeros ("1,250", "12.5")."""
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number.normalize():,f}"


def format_usd_cents(cents: int) -> str:
    """Dollars from whole cents: "$12,500" or "$12,500.50"."""
    sign = "-" if cents < 0 else ""
    dollars, rest = divmod(abs(cents), 100)
    return f"{sign}${dollars:,}" if rest == 0 else f"{sign}${dollars:,}.{rest:02d}"


def and_list(items: list[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def capitalise(text: str) -> str:
    """The text with its first letter upper-case, the rest untouched ("seat 3" → "Seat 3")."""
    return text[:1].upper() + text[1:]

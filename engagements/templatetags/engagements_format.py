"""Number formatting for the long tables (dashboards): Django's `floatformat` output, computed faster.

`floatformat` resolves the locale's separators on every call, which adds up over a table of amounts;
`amount` looks them up once per language and formats with Python's grouping, falling back to
`floatformat` for anything that is not a finite Decimal or int, or a locale that does not group by
threes with "," and ".".
"""

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.utils import formats, translation

register = template.Library()

CENT = Decimal("0.01")


@lru_cache(maxsize=16)
def _plain_grouping(language: str | None) -> bool:
    with translation.override(language):
        return (
            formats.get_format("THOUSAND_SEPARATOR") == ","
            and formats.get_format("DECIMAL_SEPARATOR") == "."
            and formats.get_format("NUMBER_GROUPING") == 3
        )


@register.filter(is_safe=True)
def amount(value: Any) -> str:
    """Same as `value|floatformat:"2g"`: two decimals, thousands grouped."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        return floatformat(value, "2g")
    number = Decimal(value)
    if not number.is_finite() or not _plain_grouping(translation.get_language()):
        return floatformat(value, "2g")
    rounded = number.quantize(CENT, rounding=ROUND_HALF_UP)
    if not rounded:
        rounded = abs(rounded)  # no "-0.00"
    return f"{rounded:,.2f}"

"""Money for matching: rates converted to USD at stored exchange rates, and what a seat costs.

Rates and costs are float64 arrays inside the core so they vectorise over candidates; what leaves
the core is `Decimal` rounded to the cent. A seat's cost is rate x hours per week x weeks, where
weeks are the seat's calendar days (both ends included) divided by 7.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from engagements.matching.types import CENT, FloatArray


class MissingExchangeRate(ValueError):
    """A rate is in a currency that has no stored exchange rate."""


def rates_to_usd(
    amounts: npt.ArrayLike,
    currencies: Sequence[str] | npt.NDArray[np.str_],
    usd_per_unit: Mapping[str, Decimal | float],
) -> FloatArray:
    """Convert hourly rates to USD, vectorised: `amounts[i]` in `currencies[i]` x its USD rate.

    `usd_per_unit` maps an ISO 4217 code to the USD value of one unit (USD itself may be left out).
    Raises MissingExchangeRate naming every currency that has no rate.
    """
    values = np.asarray(amounts, dtype=np.float64)
    codes = np.asarray(currencies, dtype=str)
    if codes.shape != values.shape:
        raise ValueError(f"{codes.size} currencies for {values.size} amounts.")
    rates = {"USD": 1.0, **{code: float(rate) for code, rate in usd_per_unit.items()}}
    known = np.array(sorted(rates), dtype=str)
    factor = np.array([rates[code] for code in known.tolist()], dtype=np.float64)
    # Each code's place among the known ones (a binary search, vectorised), then its factor.
    index = np.minimum(np.searchsorted(known, codes), len(known) - 1)
    unknown = known[index] != codes
    if unknown.any():
        missing = sorted(set(codes[unknown].tolist()))
        raise MissingExchangeRate(f"no exchange rate to USD for {', '.join(missing)}.")
    converted: FloatArray = values * factor[index]
    return converted


def seat_weeks(start: date, end: date) -> float:
    """Weeks between two dates, both ends included (1 January to 7 January is one week)."""
    return ((end - start).days + 1) / 7


def engagement_costs(
    rate_usd: npt.ArrayLike, hours_per_week: Decimal | float, start: date, end: date
) -> FloatArray:
    """What each candidate would cost for the whole seat, in USD rounded to the cent (vectorised)."""
    rates = np.asarray(rate_usd, dtype=np.float64)
    costs: FloatArray = np.rint(rates * (float(hours_per_week) * seat_weeks(start, end) * 100)) / 100
    return costs


def engagement_cost(
    rate_usd: Decimal | float, hours_per_week: Decimal | float, start: date, end: date
) -> Decimal:
    """What one lawyer would cost for the whole seat, in USD to the cent (same figures as above)."""
    cost = float(engagement_costs(np.array([float(rate_usd)]), hours_per_week, start, end)[0])
    return Decimal(repr(cost)).quantize(CENT)

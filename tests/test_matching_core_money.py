"""Money in the matching core: rates converted at stored exchange rates, and a seat's cost."""

from datetime import date
from decimal import Decimal

import pytest

from engagements.matching import (
    MissingExchangeRate,
    engagement_cost,
    engagement_costs,
    rates_to_usd,
    seat_weeks,
)


def test_rates_convert_to_usd_at_the_stored_rates():
    converted = rates_to_usd([100, 200, 300], ["EUR", "USD", "SGD"], {"EUR": Decimal("1.10"), "SGD": 0.75})

    assert converted.tolist() == pytest.approx([110.0, 200.0, 225.0])


def test_a_currency_without_a_rate_is_named():
    with pytest.raises(MissingExchangeRate, match="CHF, JPY"):
        rates_to_usd([1, 2, 3], ["JPY", "CHF", "EUR"], {"EUR": 1.1})


def test_a_seat_costs_rate_times_hours_times_weeks_with_both_ends_included():
    assert seat_weeks(date(2025, 1, 1), date(2025, 1, 7)) == 1
    assert engagement_cost(Decimal("150"), Decimal("20"), date(2025, 1, 1), date(2025, 1, 7)) == Decimal(
        "3000.00"
    )
    assert engagement_cost(100, 10, date(2025, 1, 1), date(2025, 1, 1)) == Decimal("142.86")
    assert engagement_costs([150, 100], 20, date(2025, 1, 1), date(2025, 1, 14)).tolist() == [6000.0, 4000.0]

"""Money across currencies: pure arithmetic over a table of rates, no database."""

from collections.abc import Mapping
from decimal import Decimal

from marketplace.errors import DomainError

_ONE = Decimal(1)


def _rate_to_usd(currency: str, rates: Mapping[str, Decimal]) -> Decimal:
    if currency == "USD":
        return rates.get("USD", _ONE)
    try:
        rate = rates[currency]
    except KeyError:
        raise DomainError(
            f"No exchange rate for {currency}: staff add it under Exchange rates in admin.",
            code="unknown_currency",
        ) from None
    if rate <= 0:
        raise DomainError(f"The exchange rate for {currency} is not positive.", code="invalid_exchange_rate")
    return rate


def convert(amount: Decimal, from_currency: str, to_currency: str, rates: Mapping[str, Decimal]) -> Decimal:
    """`amount` of `from_currency` in `to_currency`, through US dollars; not rounded (round for display).

    `rates` maps ISO 4217 codes to US dollars per unit (`exchange_rates_current()`). Raises DomainError
    when either currency has no rate.
    """
    if from_currency == to_currency:
        return amount
    return amount * _rate_to_usd(from_currency, rates) / _rate_to_usd(to_currency, rates)

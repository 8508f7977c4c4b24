"""Money across currencies: `convert` is pure; rates come from the table staff maintain."""

from decimal import Decimal

import pytest

from jurisdictions.models import ExchangeRate
from jurisdictions.money import convert
from jurisdictions.selectors import exchange_rates_current
from jurisdictions.services import exchange_rate_save
from marketplace.errors import DomainError

RATES = {"USD": Decimal(1), "EUR": Decimal("1.25"), "GBP": Decimal("2.5"), "JPY": Decimal("0.0064")}


def test_same_currency_is_unchanged_and_needs_no_rate():
    assert convert(Decimal("123.45"), "CHF", "CHF", {}) == Decimal("123.45")


def test_to_and_from_us_dollars():
    assert convert(Decimal(100), "EUR", "USD", RATES) == Decimal(125)
    assert convert(Decimal(125), "USD", "EUR", RATES) == Decimal(100)


def test_us_dollar_needs_no_entry_in_the_table():
    assert convert(Decimal(100), "USD", "GBP", {"GBP": Decimal("2.5")}) == Decimal(40)


def test_cross_currency_goes_through_us_dollars():
    # 100 EUR = 125 USD = 50 GBP; 1 GBP = 2.5 USD = 390.625 JPY
    assert convert(Decimal(100), "EUR", "GBP", RATES) == Decimal(50)
    assert convert(Decimal(1), "GBP", "JPY", RATES) == Decimal("390.625")


def test_unknown_currency_is_a_domain_error_naming_it():
    with pytest.raises(DomainError, match="No exchange rate for XYZ"):
        convert(Decimal(1), "XYZ", "USD", RATES)
    with pytest.raises(DomainError, match="No exchange rate for ABC"):
        convert(Decimal(1), "EUR", "ABC", RATES)


@pytest.mark.django_db
def test_current_rates_are_the_stored_ones_in_one_query(django_assert_num_queries):
    ExchangeRate.objects.filter(currency="EUR").update(rate_to_usd=Decimal("1.1"))

    with django_assert_num_queries(1):
        rates = exchange_rates_current()

    assert rates["EUR"] == Decimal("1.1")
    assert rates["USD"] == Decimal(1)
    assert convert(Decimal(10), "EUR", "USD", rates) == Decimal(11)


@pytest.mark.django_db
def test_staff_change_to_a_rate_is_recorded_with_who(staff_user):
    euro = ExchangeRate.objects.get(currency="EUR")
    euro.rate_to_usd = Decimal("1.12")

    exchange_rate_save(exchange_rate=euro, by=staff_user)

    euro.refresh_from_db()
    assert (euro.rate_to_usd, euro.updated_by) == (Decimal("1.12"), staff_user)
    latest = euro.history.first()
    assert (latest.history_type, latest.history_user, latest.rate_to_usd) == (
        "~",
        staff_user,
        Decimal("1.12"),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("currency", "rate", "message"),
    [
        ("EUR", Decimal(0), "must be positive"),
        ("EUR", Decimal("-1"), "must be positive"),
        ("XYZ", Decimal(1), "not an ISO 4217 currency code"),
    ],
)
def test_bad_rates_are_refused(staff_user, currency, rate, message):
    rate_row = ExchangeRate.objects.filter(currency=currency).first() or ExchangeRate(currency=currency)
    rate_row.rate_to_usd = rate

    with pytest.raises(DomainError, match=message):
        exchange_rate_save(exchange_rate=rate_row, by=staff_user)

    assert not ExchangeRate.objects.filter(currency=currency).exclude(rate_to_usd__gt=0).exists()
    assert not ExchangeRate.objects.filter(currency="XYZ").exists()

"""The `amount` filter prints exactly what `floatformat:"2g"` prints, only faster."""

import random
from decimal import Decimal

import pytest
from django.template.defaultfilters import floatformat
from django.utils import translation

from engagements.templatetags.engagements_format import amount

EDGES = [
    Decimal("0"),
    Decimal("-0.00"),
    Decimal("0.005"),
    Decimal("-0.005"),
    Decimal("999.995"),
    Decimal("1234567.895"),
    Decimal("-1234.5"),
    Decimal("1E+3"),
    0,
    -1000,
    10**9,
    None,
    "",
    "abc",
    1.5,
]


@pytest.mark.parametrize("language", ["en-gb", "de"])
def test_amount_is_floatformat_2g(language):
    rng = random.Random(1)
    values = EDGES + [Decimal(rng.randint(-(10**12), 10**12)) / 10 ** rng.randint(0, 4) for _ in range(2000)]
    with translation.override(language):
        assert [amount(v) for v in values] == [floatformat(v, "2g") for v in values]

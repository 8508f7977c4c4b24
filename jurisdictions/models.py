"""Places whose bar admits lawyers (ISO 3166 codes), the two-level practice-area taxonomy, and the
exchange rates staff maintain for comparing money across currencies."""

from decimal import Decimal

import pycountry
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords


def validate_currency_code(value: str) -> None:
    """An ISO 4217 alphabetic code, upper case (`EUR`)."""
    if len(value) != 3 or not value.isascii() or not value.isupper() or not value.isalpha():
        raise ValidationError("Enter a three-letter ISO 4217 currency code in capitals, e.g. EUR.")
    if pycountry.currencies.get(alpha_3=value) is None:
        raise ValidationError(f"{value} is not an ISO 4217 currency code.")


def validate_language_codes(value: object) -> None:
    """A list of ISO 639-1 (two-letter) language codes, lower case (`["en", "fr"]`)."""
    if not isinstance(value, list):
        raise ValidationError('Enter a list of ISO 639-1 language codes, e.g. ["en", "fr"].')
    unknown = [
        code
        for code in value
        if not isinstance(code, str) or len(code) != 2 or pycountry.languages.get(alpha_2=code) is None
    ]
    if unknown:
        raise ValidationError(f"Not ISO 639-1 language codes: {', '.join(map(str, unknown))}.")


def language_name(code: str) -> str:
    language = pycountry.languages.get(alpha_2=code)
    return language.name if language is not None else code


class Jurisdiction(models.Model):
    class Kind(models.TextChoices):
        COUNTRY = "country", "Country"
        SUBDIVISION = "subdivision", "Subdivision"

    class LegalSystem(models.TextChoices):
        COMMON = "common", "Common law"
        CIVIL = "civil", "Civil law"
        MIXED = "mixed", "Mixed"

    code = models.CharField(max_length=10, unique=True, help_text="ISO 3166-1 alpha-2 or ISO 3166-2 code.")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    subdivision_type = models.CharField(max_length=80, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    legal_system = models.CharField(max_length=8, choices=LegalSystem.choices, blank=True)
    currency = models.CharField(
        max_length=3, blank=True, validators=[validate_currency_code], help_text="ISO 4217 code."
    )
    languages = models.JSONField(
        default=list, blank=True, validators=[validate_language_codes], help_text="ISO 639-1 codes."
    )
    is_active = models.BooleanField(
        default=False, help_text="Active in the network: lawyers and seats may use it."
    )

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["is_active", "code"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def country_code(self) -> str:
        """The ISO 3166-1 code of the country this is in (ISO 3166-2 codes start with it)."""
        return self.code.split("-", 1)[0]

    @property
    def languages_named(self) -> list[tuple[str, str]]:
        """(ISO 639-1 code, English name) for each language."""
        return [(code, language_name(code)) for code in self.languages]


class PracticeArea(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["parent__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="practice_area_unique_name_per_parent"),
        ]

    def __str__(self) -> str:
        return f"{self.parent.name} > {self.name}" if self.parent_id else self.name

    def clean(self) -> None:
        # The taxonomy is two levels deep.
        if self.parent is not None:
            if self.parent.parent_id is not None:
                raise ValidationError({"parent": "Choose a top-level area: sub-areas cannot have sub-areas."})
            if self.pk is not None and (self.parent_id == self.pk or self.children.exists()):
                raise ValidationError({"parent": "An area with sub-areas must stay top-level."})


class ExchangeRate(models.Model):
    """What one unit of a currency is worth in US dollars. Staff maintain it; every change is kept."""

    currency = models.CharField(
        max_length=3, unique=True, validators=[validate_currency_code], help_text="ISO 4217 code."
    )
    rate_to_usd = models.DecimalField(
        "rate to USD",
        max_digits=18,
        decimal_places=8,
        validators=[MinValueValidator(Decimal("0.00000001"), message="The rate must be positive.")],
        help_text="US dollars for one unit of this currency (EUR 1.08 means 1 EUR = 1.08 USD).",
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["currency"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rate_to_usd__gt=0),
                name="exchange_rate_positive",
                violation_error_message="The rate must be positive.",
            ),
        ]

    def __str__(self) -> str:
        return f"1 {self.currency} = {self.rate_to_usd.normalize():f} USD"

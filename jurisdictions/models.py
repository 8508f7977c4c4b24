"""Places whose bar admits lawyers (ISO 3166 codes) and the two-level practice-area taxonomy."""

from django.db import models


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
    currency = models.CharField(max_length=3, blank=True, help_text="ISO 4217 code.")
    languages = models.JSONField(default=list, blank=True, help_text="ISO 639-1 codes.")
    is_active = models.BooleanField(
        default=False, help_text="Active in the network: lawyers and seats may use it."
    )

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["is_active", "code"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


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

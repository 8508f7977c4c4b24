"""The lawyer network: a lawyer is a user with a lawyer profile, its admissions, skills and vetting.

Writes go through `lawyers.services`; reads with visibility rules through `lawyers.selectors`.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from lawyers.rules import document_upload_to, validate_currency_code, validate_language_code

# Vetted, with a rate and a weekly capacity: who matching may consider (if their currency converts).
MATCHABLE = Q(status="vetted", hourly_rate__isnull=False, weekly_capacity_hours__isnull=False)


class LawyerProfile(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        APPLIED = "applied", "Applied"
        IN_REVIEW = "in_review", "In review"
        VETTED = "vetted", "Vetted"
        REJECTED = "rejected", "Rejected"
        SUSPENDED = "suspended", "Suspended"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lawyer_profile"
    )
    headline = models.CharField(
        max_length=200,
        blank=True,
        help_text="One line clients read first, e.g. “M&A counsel, NY and England”.",
    )
    bio = models.TextField(blank=True)
    hourly_rate = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Your standard hourly rate, in the currency below.",
    )
    rate_currency = models.CharField(
        max_length=3, blank=True, validators=[validate_currency_code], help_text="ISO 4217 code."
    )
    weekly_capacity_hours = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(80)],
        help_text="Hours a week you can take on through the network.",
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    seniority_years = models.PositiveSmallIntegerField(
        default=0,
        editable=False,
        help_text="Derived: post-qualification years of legal experience (recomputed on every edit).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["status"], name="lawyer_profile_status_idx"),
            # The talent team's vetting queue, oldest submission first, with or without a status.
            models.Index(fields=["submitted_at", "id"], name="lawyer_profile_queue_idx"),
            models.Index(fields=["status", "submitted_at", "id"], name="lawyer_profile_status_q_idx"),
            # A match run counts the matchable lawyers per currency, and lists the others, from
            # these two alone (engagements.pools): no pass over the profiles themselves.
            models.Index(fields=["rate_currency"], condition=MATCHABLE, name="lawyer_profile_matchable_idx"),
            models.Index(fields=["id"], condition=~MATCHABLE, name="lawyer_profile_unmatchable_idx"),
            # Then reads the columns it scores of a few thousand of them, from this one alone.
            models.Index(
                fields=["id"],
                include=["seniority_years", "weekly_capacity_hours", "hourly_rate", "rate_currency"],
                condition=MATCHABLE,
                name="lawyer_profile_match_cols_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.user.get_full_name() if self.user_id else f"Lawyer profile {self.pk}"


class BarAdmission(models.Model):
    """Lawyer × jurisdiction × registration number. Only verified admissions count for matching.

    The same number claimed by two profiles is not a database error: the vetting check reports it.
    """

    profile = models.ForeignKey(LawyerProfile, on_delete=models.CASCADE, related_name="admissions")
    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="bar_admissions"
    )
    registration_number = models.CharField(
        max_length=40, help_text="As on the register; spaces and letter case are ignored."
    )
    year_admitted = models.PositiveSmallIntegerField(validators=[MinValueValidator(1940)])
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["jurisdiction__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "jurisdiction"],
                name="bar_admission_one_per_jurisdiction",
                violation_error_message="You already have an admission in this jurisdiction.",
            ),
        ]
        indexes = [
            models.Index(fields=["jurisdiction", "verified_at"], name="bar_admission_verified_idx"),
            # The admitted lawyers of a jurisdiction from the index alone: a match run's pool (the
            # verified ones) and the staff list's jurisdiction filter and its count (any).
            models.Index(
                fields=["jurisdiction", "profile"], include=["verified_at"], name="bar_admission_pool_idx"
            ),
            models.Index(fields=["jurisdiction", "registration_number"], name="bar_admission_number_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction.code} {self.registration_number} ({self.year_admitted})"

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class PracticeAreaExperience(models.Model):
    class Proficiency(models.IntegerChoices):
        WORKING = 1, "Working knowledge"
        EXPERIENCED = 2, "Experienced"
        EXPERT = 3, "Expert"
        LEADING = 4, "Leading expert"

    profile = models.ForeignKey(LawyerProfile, on_delete=models.CASCADE, related_name="practice_areas")
    practice_area = models.ForeignKey(
        "jurisdictions.PracticeArea", on_delete=models.PROTECT, related_name="lawyer_experience"
    )
    years = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(70)])
    proficiency = models.PositiveSmallIntegerField(choices=Proficiency.choices, default=Proficiency.WORKING)

    class Meta:
        ordering = ["-proficiency", "-years"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "practice_area"],
                name="practice_area_experience_once_per_area",
                violation_error_message="This practice area is already listed.",
            ),
            models.CheckConstraint(
                condition=Q(proficiency__gte=1, proficiency__lte=4), name="practice_area_proficiency_1_to_4"
            ),
        ]
        # Covering: a match run reads everyone's experience in an area from the index alone, and the
        # staff list's count for an area merges it, in profile order, with the admissions index.
        indexes = [
            models.Index(
                fields=["practice_area", "profile"],
                include=["years", "proficiency"],
                name="practice_area_experience_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.practice_area}: {self.get_proficiency_display()}, {self.years} years"


class LanguageSkill(models.Model):
    class Level(models.TextChoices):
        WORKING = "working", "Working"
        FLUENT = "fluent", "Fluent"
        NATIVE = "native", "Native"

    profile = models.ForeignKey(LawyerProfile, on_delete=models.CASCADE, related_name="languages")
    code = models.CharField(max_length=2, validators=[validate_language_code], help_text="ISO 639-1 code.")
    level = models.CharField(max_length=8, choices=Level.choices, default=Level.FLUENT)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "code"],
                name="language_skill_once_per_language",
                violation_error_message="This language is already listed.",
            ),
        ]
        indexes = [models.Index(fields=["code"], name="language_skill_code_idx")]

    def __str__(self) -> str:
        return f"{self.code} ({self.get_level_display()})"


class Experience(models.Model):
    class Kind(models.TextChoices):
        LAW_FIRM = "law_firm", "Law firm"
        IN_HOUSE = "in_house", "In-house"
        OTHER = "other", "Other"

    LEGAL_KINDS = (Kind.LAW_FIRM, Kind.IN_HOUSE)

    profile = models.ForeignKey(LawyerProfile, on_delete=models.CASCADE, related_name="experiences")
    organisation = models.CharField(max_length=200)
    # Set by the services (`normalise_organisation_name`): matching compares it with counterparties.
    organisation_normalised = models.CharField(max_length=200, editable=False, default="")
    role = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.LAW_FIRM)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True, help_text="Leave empty if this is your current role.")

    class Meta:
        ordering = ["-start_date"]
        indexes = [
            # Who worked for these organisations (the conflict check), and did this lawyer.
            models.Index(fields=["organisation_normalised", "profile"], name="experience_organisation_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="experience_ends_after_start",
                violation_error_message="The end date must be on or after the start date.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role}, {self.organisation}"

    @property
    def is_current(self) -> bool:
        return self.end_date is None


class Unavailability(models.Model):
    profile = models.ForeignKey(LawyerProfile, on_delete=models.CASCADE, related_name="unavailabilities")
    start = models.DateField()
    end = models.DateField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["start"]
        verbose_name_plural = "unavailabilities"
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")),
                name="unavailability_ends_after_start",
                violation_error_message="The last day must be on or after the first day.",
            ),
        ]
        indexes = [models.Index(fields=["profile", "start", "end"], name="unavailability_range_idx")]

    def __str__(self) -> str:
        return f"{self.start} – {self.end}"


class DeclaredConflict(models.Model):
    """An organisation the lawyer cannot act against (or for); matching compares `organisation_normalised`."""

    profile = models.ForeignKey(LawyerProfile, on_delete=models.CASCADE, related_name="declared_conflicts")
    organisation = models.CharField(max_length=200)
    organisation_normalised = models.CharField(max_length=200, editable=False, db_index=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["organisation_normalised"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "organisation_normalised"], name="declared_conflict_once_per_organisation"
            ),
        ]

    def __str__(self) -> str:
        return self.organisation


class Document(models.Model):
    class Kind(models.TextChoices):
        CV = "cv", "CV"
        BAR_CERTIFICATE = "bar_certificate", "Bar certificate"

    profile = models.ForeignKey(LawyerProfile, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    file = models.FileField(upload_to=document_upload_to, max_length=255)
    original_filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100, help_text="Detected from the content, not the name.")
    size = models.PositiveIntegerField(help_text="Bytes.")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_filename}"


class VettingCheck(models.Model):
    """The latest result of one automated check for one profile; re-running replaces it."""

    class Name(models.TextChoices):
        COMPLETENESS = "completeness", "Profile complete"
        REGISTRATION_FORMAT = "registration_format", "Registration number format"
        REGISTRATION_DUPLICATE = "registration_duplicate", "Registration number not claimed by another"
        ADMISSION_YEAR = "admission_year", "Admission year consistent with experience"
        DOCUMENTS = "documents", "Documents present and valid"
        SANCTIONS = "sanctions", "Sanctions list"

    class Result(models.TextChoices):
        PASS = "pass", "Pass"
        WARN = "warn", "Warning"
        FAIL = "fail", "Fail"

    profile = models.ForeignKey(LawyerProfile, on_delete=models.CASCADE, related_name="checks")
    name = models.CharField(max_length=32, choices=Name.choices)
    result = models.CharField(max_length=4, choices=Result.choices)
    detail = models.TextField(blank=True)
    ran_at = models.DateTimeField(default=timezone.now)
    run_key = models.CharField(max_length=64, blank=True, help_text="Identifies the run that wrote this.")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "name"], name="vetting_check_one_per_name"),
        ]
        indexes = [models.Index(fields=["name", "result"], name="vetting_check_result_idx")]

    def __str__(self) -> str:
        return f"{self.get_name_display()}: {self.get_result_display()}"


class VettingDecision(models.Model):
    """Audit trail: every status change of a profile, who made it (None: automatic), when and why."""

    profile = models.ForeignKey(LawyerProfile, on_delete=models.CASCADE, related_name="decisions")
    from_status = models.CharField(max_length=12, choices=LawyerProfile.Status.choices)
    to_status = models.CharField(max_length=12, choices=LawyerProfile.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)
    notified_at = models.DateTimeField(null=True, blank=True, help_text="When the lawyer was emailed.")

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["profile", "-at"], name="vetting_decision_profile_idx")]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class SanctionedEntry(models.Model):
    """A person or registration on a sanctions or disciplinary list, maintained by the talent team."""

    name = models.CharField(max_length=200, blank=True)
    name_normalised = models.CharField(max_length=200, editable=False, blank=True, db_index=True)
    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    registration_number = models.CharField(max_length=40, blank=True)
    source = models.CharField(
        max_length=200, help_text="Where this entry comes from, e.g. a list and its date."
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name_normalised", "registration_number"]
        verbose_name_plural = "sanctioned entries"
        constraints = [
            models.CheckConstraint(
                condition=~Q(name="") | ~Q(registration_number=""),
                name="sanctioned_entry_has_name_or_number",
                violation_error_message="Give a name, a registration number, or both.",
            ),
        ]
        indexes = [
            models.Index(fields=["jurisdiction", "registration_number"], name="sanctioned_number_idx"),
        ]

    def __str__(self) -> str:
        return (
            self.name
            or f"{self.jurisdiction.code if self.jurisdiction_id else ''} {self.registration_number}"
        )

"""Matters, their seats, and match runs (one execution of matching with its shortlists and team)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords


class Matter(models.Model):
    """A client's piece of work. Posted matters are matched against the network."""

    class EngagementModel(models.TextChoices):
        ONE_EXPERT = "one_expert", "One expert"
        TEAM = "team", "A team"
        MANAGED_SERVICE = "managed_service", "Managed service"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        STAFFED = "staffed", "Staffed"
        CANCELLED = "cancelled", "Cancelled"

    organisation = models.ForeignKey(
        "accounts.ClientOrganisation", on_delete=models.PROTECT, related_name="matters"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="matters_created"
    )
    title = models.CharField(max_length=200)
    summary = models.TextField(help_text="Shown to candidate lawyers.")
    confidential_details = models.TextField(
        blank=True, help_text="Shown to lawyers only after they accept the NDA."
    )
    practice_area = models.ForeignKey(
        "jurisdictions.PracticeArea", on_delete=models.PROTECT, related_name="matters"
    )
    start_date = models.DateField()
    end_date = models.DateField()
    engagement_model = models.CharField(max_length=16, choices=EngagementModel.choices)
    is_pilot = models.BooleanField(default=False)
    rate_cap = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, help_text="Highest hourly rate, in currency."
    )
    budget_total = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, help_text="ISO 4217 code of the rate cap and budget.")
    required_languages = models.JSONField(default=list, blank=True, help_text="ISO 639-1 codes.")
    counterparties = models.JSONField(default=list, blank=True, help_text="Names, as entered.")
    counterparties_normalised = models.JSONField(
        default=list, blank=True, help_text="The same names normalised, for the conflict check."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    cancel_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    posted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "status", "-created_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="matter_end_after_start"),
            models.CheckConstraint(
                condition=Q(rate_cap__isnull=True) | Q(rate_cap__gt=0), name="matter_rate_cap_positive"
            ),
            models.CheckConstraint(
                condition=Q(budget_total__isnull=True) | Q(budget_total__gt=0),
                name="matter_budget_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_editable(self) -> bool:
        return self.status in {self.Status.DRAFT, self.Status.OPEN}


class Seat(models.Model):
    """One position on a matter: a jurisdiction, a practice area, seniority and weekly hours."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        FILLED = "filled", "Filled"

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="seats")
    position = models.PositiveSmallIntegerField(default=0, help_text="Order of the seat on the matter.")
    label = models.CharField(max_length=120, blank=True)
    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    practice_area = models.ForeignKey(
        "jurisdictions.PracticeArea", on_delete=models.PROTECT, related_name="+"
    )
    min_seniority_years = models.PositiveSmallIntegerField(default=0)
    hours_per_week = models.DecimalField(max_digits=4, decimal_places=1)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)

    history = HistoricalRecords()

    class Meta:
        ordering = ["matter", "position", "id"]
        indexes = [models.Index(fields=["jurisdiction", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours_per_week__gt=0) & Q(hours_per_week__lte=60),
                name="seat_hours_between_0_and_60",
            ),
        ]

    def __str__(self) -> str:
        return self.display_label

    @property
    def display_label(self) -> str:
        return self.label or f"{self.practice_area.name} in {self.jurisdiction.name}"


class MatchRun(models.Model):
    """One execution of matching for a matter: its funnels, shortlists and proposed team.

    `input_fingerprint` hashes the matter's material inputs when the run was requested; a run whose
    fingerprint is no longer the matter's is superseded and its results are never shown.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    class TeamStatus(models.TextChoices):
        OPTIMAL = "optimal", "Optimal"
        TIME_LIMIT = "time_limit", "Best found within the time limit"
        INFEASIBLE = "infeasible", "No team possible"

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="match_runs")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    input_fingerprint = models.CharField(max_length=64)
    superseded = models.BooleanField(default=False)
    claim_key = models.CharField(max_length=64, blank=True, help_text="The job attempt that claimed the run.")
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    # Money in the matter's currency, converted at the rate stored here (USD per unit).
    currency = models.CharField(max_length=3, blank=True)
    usd_per_unit = models.DecimalField(max_digits=18, decimal_places=8, null=True, blank=True)
    lawyers_considered = models.PositiveIntegerField(null=True, blank=True)
    team_status = models.CharField(max_length=10, choices=TeamStatus.choices, blank=True)
    team_total_score = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    team_total_cost = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    team_budget = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    team_cheapest_cost = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    team_gap = models.FloatField(null=True, blank=True, help_text="Relative distance to the proven bound.")
    team_binding = models.CharField(max_length=20, blank=True)
    team_message = models.TextField(blank=True, help_text="Why no team is possible, when none is.")

    class Meta:
        ordering = ["-created_at", "-id"]
        get_latest_by = "created_at"
        indexes = [
            models.Index(
                fields=["matter", "status", "superseded", "-created_at"], name="match_run_latest_idx"
            ),
            models.Index(fields=["status", "started_at"], name="match_run_status_idx"),
        ]

    def __str__(self) -> str:
        return f"Match run {self.pk} for {self.matter_id} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.RUNNING}

    @property
    def team_budget_left(self) -> object:
        if self.team_budget is None or self.team_total_cost is None:
            return None
        return self.team_budget - self.team_total_cost


class SeatFunnel(models.Model):
    """How one seat's candidates were narrowed down in a run, step by step."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="funnels")
    seat = models.ForeignKey(Seat, on_delete=models.CASCADE, related_name="+")
    steps = models.JSONField(
        default=list, help_text="[{filter, label, remaining, removed}], in funnel order."
    )
    considered = models.PositiveIntegerField(default=0)
    eligible = models.PositiveIntegerField(default=0)
    explanation = models.CharField(max_length=500, blank=True)
    empty_reason = models.CharField(max_length=200, blank=True, help_text="The filter that left no one.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "seat"], name="seat_funnel_once_per_run")]

    def __str__(self) -> str:
        return self.explanation


class MatchCandidate(models.Model):
    """A lawyer on a seat's shortlist in a run, with the score and the factors behind it."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="candidates")
    seat = models.ForeignKey(Seat, on_delete=models.CASCADE, related_name="+")
    lawyer = models.ForeignKey("lawyers.LawyerProfile", on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()
    score = models.DecimalField(max_digits=5, decimal_places=2)
    factors = models.JSONField(default=list, help_text="[{name, label, weight, value, points, explanation}].")
    rate = models.DecimalField(max_digits=12, decimal_places=2, help_text="Hourly, in the matter's currency.")
    rate_usd = models.DecimalField(max_digits=12, decimal_places=2)
    cost = models.DecimalField(max_digits=16, decimal_places=2, help_text="The whole seat, matter currency.")

    class Meta:
        ordering = ["run", "seat", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["run", "seat", "rank"], name="match_candidate_rank_once"),
            models.UniqueConstraint(fields=["run", "seat", "lawyer"], name="match_candidate_lawyer_once"),
        ]

    def __str__(self) -> str:
        return f"#{self.rank} {self.lawyer_id} ({self.score})"


class ProposedTeamMember(models.Model):
    """One seat of the team a run proposes, and the lawyer in it."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="team")
    seat = models.ForeignKey(Seat, on_delete=models.CASCADE, related_name="+")
    lawyer = models.ForeignKey("lawyers.LawyerProfile", on_delete=models.CASCADE, related_name="+")
    score = models.DecimalField(max_digits=5, decimal_places=2)
    cost = models.DecimalField(max_digits=16, decimal_places=2, help_text="The whole seat, matter currency.")
    cost_usd = models.DecimalField(max_digits=16, decimal_places=2)

    class Meta:
        ordering = ["run", "seat__position", "seat_id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "seat"], name="proposed_team_one_per_seat"),
            models.UniqueConstraint(fields=["run", "lawyer"], name="proposed_team_lawyer_once"),
        ]

    def __str__(self) -> str:
        return f"{self.seat_id}: {self.lawyer_id}"

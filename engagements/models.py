"""Matters and seats, match runs, and staffing: offers, engagements, time, ratings, SLAs.

The audit trail of every state change is the history of its row (django-simple-history): the
services set who made it and why (`_history_user`, `_change_reason`) before saving.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
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


class Offer(models.Model):
    """A seat proposed to one lawyer, on agreed terms, until it expires. The first acceptance fills it.

    At most one pending offer per (seat, lawyer) and at most one accepted offer per seat, in the
    database: the guarantee behind "a seat is filled exactly once".
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        EXPIRED = "expired", "Expired"
        WITHDRAWN = "withdrawn", "Withdrawn"

    seat = models.ForeignKey(Seat, on_delete=models.PROTECT, related_name="offers")
    lawyer = models.ForeignKey("lawyers.LawyerProfile", on_delete=models.PROTECT, related_name="offers")
    match_candidate = models.ForeignKey(
        MatchCandidate,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="offers",
        help_text="The shortlist entry the offer was sent from, if any.",
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="offers_sent"
    )
    hourly_rate = models.DecimalField(max_digits=10, decimal_places=2, help_text="Agreed, in `currency`.")
    currency = models.CharField(max_length=3, help_text="The matter's currency (ISO 4217).")
    hours_per_week = models.DecimalField(max_digits=4, decimal_places=1)
    start_date = models.DateField()
    end_date = models.DateField()
    expires_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decline_reason = models.TextField(blank=True)
    nda_required = models.BooleanField(
        default=False, help_text="The matter has confidential details, shown only after the NDA."
    )
    nda_accepted_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(
        null=True, blank=True, help_text="When the lawyer accepted or declined (not expiry or withdrawal)."
    )
    closed_at = models.DateTimeField(null=True, blank=True, help_text="When it stopped being pending.")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["lawyer", "status"], name="offer_lawyer_status_idx"),
            models.Index(fields=["seat", "status"], name="offer_seat_status_idx"),
            models.Index(fields=["status", "expires_at"], name="offer_status_expiry_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["seat", "lawyer"],
                condition=Q(status="pending"),
                name="offer_one_pending_per_seat_lawyer",
                violation_error_message="This lawyer already has a pending offer for this seat.",
            ),
            models.UniqueConstraint(
                fields=["seat"],
                condition=Q(status="accepted"),
                name="offer_one_accepted_per_seat",
                violation_error_message="This seat has already been filled.",
            ),
            models.CheckConstraint(condition=Q(hourly_rate__gt=0), name="offer_rate_positive"),
            models.CheckConstraint(
                condition=Q(hours_per_week__gt=0) & Q(hours_per_week__lte=60),
                name="offer_hours_between_0_and_60",
            ),
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="offer_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"Offer {self.pk}: seat {self.seat_id} to lawyer {self.lawyer_id} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def nda_outstanding(self) -> bool:
        """The lawyer must accept the NDA before seeing the confidential details (or accepting)."""
        return self.nda_required and self.nda_accepted_at is None


class Engagement(models.Model):
    """An accepted offer: live work for one lawyer in one seat, on the offer's terms."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        TERMINATED = "terminated", "Terminated"

    offer = models.OneToOneField(Offer, on_delete=models.PROTECT, related_name="engagement")
    seat = models.OneToOneField(Seat, on_delete=models.PROTECT, related_name="engagement")
    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="engagements")
    lawyer = models.ForeignKey("lawyers.LawyerProfile", on_delete=models.PROTECT, related_name="engagements")
    hourly_rate = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3)
    hours_per_week = models.DecimalField(max_digits=4, decimal_places=1)
    start_date = models.DateField()
    end_date = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    terminated_reason = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    terminated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["lawyer", "status", "start_date", "end_date"], name="engagement_booking_idx"
            ),
            models.Index(fields=["matter", "status"], name="engagement_matter_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="engagement_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"Engagement {self.pk}: lawyer {self.lawyer_id} on seat {self.seat_id} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class TimeEntry(models.Model):
    """Hours a lawyer logged on an engagement; the client approves or rejects them.

    `amount` is hours × the engagement's rate, fixed when the entry is submitted.
    """

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    engagement = models.ForeignKey(Engagement, on_delete=models.PROTECT, related_name="time_entries")
    work_date = models.DateField()
    hours = models.DecimalField(max_digits=5, decimal_places=2)
    description = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    amount = models.DecimalField(
        max_digits=14, decimal_places=2, help_text="Hours × the engagement's rate, in its currency."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="time_entries_created"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="time_entries_reviewed",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-work_date", "-id"]
        verbose_name_plural = "time entries"
        indexes = [models.Index(fields=["engagement", "status"], name="time_entry_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="time_entry_hours_between_0_and_24"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hours} h on {self.work_date} ({self.status})"


class Rating(models.Model):
    """The client's rating of the lawyer at the end of an engagement (1–5); it feeds future matching."""

    engagement = models.OneToOneField(Engagement, on_delete=models.CASCADE, related_name="rating")
    score = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="ratings_given"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=1) & Q(score__lte=5), name="rating_score_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.score}/5 for engagement {self.engagement_id}"


class SlaTarget(models.Model):
    """The hours a client organisation was promised; the row without an organisation is the default."""

    organisation = models.OneToOneField(
        "accounts.ClientOrganisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sla_target",
        help_text="Empty: the network default, for organisations without their own targets.",
    )
    hours_to_shortlist = models.PositiveIntegerField(help_text="From posting to the first shortlist.")
    hours_to_staff = models.PositiveIntegerField(help_text="From posting to every seat filled.")
    hours_to_answer_offer = models.PositiveIntegerField(help_text="For a lawyer to answer an offer.")
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            # The OneToOne keeps one row per organisation; this keeps one network default (NULL) too.
            models.UniqueConstraint(
                Coalesce("organisation", Value(0)),
                name="sla_target_one_network_default",
                violation_error_message="There is already a network default SLA target.",
            ),
        ]

    def __str__(self) -> str:
        return f"SLA targets for {self.organisation or 'the network (default)'}"


class SlaBreach(models.Model):
    """A promise missed: recorded once per (kind, matter, offer), and the talent team told once."""

    class Kind(models.TextChoices):
        SHORTLIST = "shortlist", "Time to shortlist"
        STAFF = "staff", "Time to staff"
        ANSWER = "answer", "Time to answer an offer"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    matter = models.ForeignKey(
        Matter, null=True, blank=True, on_delete=models.CASCADE, related_name="sla_breaches"
    )
    offer = models.ForeignKey(
        Offer, null=True, blank=True, on_delete=models.CASCADE, related_name="sla_breaches"
    )
    organisation = models.ForeignKey(
        "accounts.ClientOrganisation", on_delete=models.CASCADE, related_name="sla_breaches"
    )
    target_hours = models.PositiveIntegerField()
    measured_hours = models.DecimalField(max_digits=10, decimal_places=2)
    detected_at = models.DateTimeField(auto_now_add=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-detected_at", "-id"]
        verbose_name_plural = "SLA breaches"
        indexes = [models.Index(fields=["organisation", "kind", "-detected_at"], name="sla_breach_org_idx")]
        constraints = [
            # NULLs count as equal so a matter-level breach (no offer) is also recorded once.
            models.UniqueConstraint(
                Coalesce("matter", Value(0)),
                Coalesce("offer", Value(0)),
                "kind",
                name="sla_breach_once",
                violation_error_message="This breach is already recorded.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} breached ({self.measured_hours} h > {self.target_hours} h)"


class IdempotencyKey(models.Model):
    """A POST answered once per (user, key): a repeat gets the first response back, verbatim."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the request body.")
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once_per_user"),
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_key_created_idx")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}] → {self.response_status}"

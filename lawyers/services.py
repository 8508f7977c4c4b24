"""Writes for the lawyer network: profile edits, uploads, vetting checks and the vetting state machine.

Every function is keyword-only and raises `DomainError` (bad input) or `ConflictError` (wrong state)
with a message the user can read. Jobs and emails are enqueued only after the transaction commits.
"""

import datetime as dt
import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import User
from lawyers.models import (
    BarAdmission,
    DeclaredConflict,
    Document,
    Experience,
    LanguageSkill,
    LawyerProfile,
    PracticeAreaExperience,
    SanctionedEntry,
    Unavailability,
    VettingCheck,
    VettingDecision,
)
from lawyers.rules import (
    normalise_organisation_name,
    normalise_registration_number,
    seniority_years,
)
from lawyers.uploads import ALLOWED_CONTENT_TYPES, detect_document_type, document_max_bytes
from lawyers.vetting import CHECKS, CHECKS_AFTER_EDIT, profile_missing_items
from marketplace.errors import ConflictError, DomainError
from outbox.services import job_enqueue

logger = logging.getLogger(__name__)

Status = LawyerProfile.Status

# Once an application is in, edits re-run the checks they affect; drafts are checked on submission.
CHECKED_STATUSES = frozenset({Status.APPLIED, Status.IN_REVIEW, Status.VETTED, Status.SUSPENDED})

# The parts of a profile a lawyer edits as lists, and the model of each.
SECTION_MODELS: dict[str, type[models.Model]] = {
    "admissions": BarAdmission,
    "practice_areas": PracticeAreaExperience,
    "languages": LanguageSkill,
    "experiences": Experience,
    "unavailabilities": Unavailability,
    "declared_conflicts": DeclaredConflict,
}


# --- profile edits ---------------------------------------------------------------------------------


def _lock_profile(profile_id: int) -> LawyerProfile:
    return LawyerProfile.objects.select_for_update().select_related("user").get(pk=profile_id)


def lawyer_profile_recompute_seniority(*, profile: LawyerProfile, today: dt.date | None = None) -> int:
    """Recompute and store the derived seniority (post-qualification years) from admissions and roles."""
    years = seniority_years(
        admission_years=profile.admissions.values_list("year_admitted", flat=True),
        legal_experience=profile.experiences.filter(kind__in=Experience.LEGAL_KINDS).values_list(
            "start_date", "end_date"
        ),
        today=today or timezone.localdate(),
    )
    if years != profile.seniority_years:
        LawyerProfile.objects.filter(pk=profile.pk).update(seniority_years=years)
        profile.seniority_years = years
    return years


def lawyer_seniority_refresh_all(*, batch_size: int = 500, today: dt.date | None = None) -> int:
    """Recompute every profile's derived seniority (it grows with time); returns how many changed.

    Works through profiles in primary-key batches so memory stays bounded at any network size.
    """
    changed, last_pk = 0, 0
    while True:
        batch = list(
            LawyerProfile.objects.filter(pk__gt=last_pk)
            .order_by("pk")
            .prefetch_related("admissions", "experiences")[:batch_size]
        )
        if not batch:
            return changed
        for profile in batch:
            years = seniority_years(
                admission_years=[a.year_admitted for a in profile.admissions.all()],
                legal_experience=[
                    (e.start_date, e.end_date)
                    for e in profile.experiences.all()
                    if e.kind in Experience.LEGAL_KINDS
                ],
                today=today or timezone.localdate(),
            )
            if years != profile.seniority_years:
                LawyerProfile.objects.filter(pk=profile.pk).update(seniority_years=years)
                changed += 1
        last_pk = batch[-1].pk


def lawyer_profile_update(
    *,
    profile: LawyerProfile,
    by: User,
    headline: str,
    bio: str,
    hourly_rate: Decimal | None,
    rate_currency: str,
    weekly_capacity_hours: int | None,
) -> LawyerProfile:
    """Save the basics. A changed rate or currency on a submitted profile re-runs the affected checks.

    Raises DomainError when only one of the hourly rate and its currency is given.
    """
    if (hourly_rate is None) != (not rate_currency.strip()):
        raise DomainError(
            "Give the hourly rate and its currency together.", code="rate_currency", field="rate_currency"
        )
    with transaction.atomic():
        locked = _lock_profile(profile.pk)
        rate_changed = (locked.hourly_rate, locked.rate_currency) != (hourly_rate, rate_currency.upper())
        locked.headline = headline.strip()
        locked.bio = bio.strip()
        locked.hourly_rate = hourly_rate
        locked.rate_currency = rate_currency.upper()
        locked.weekly_capacity_hours = weekly_capacity_hours
        locked._change_reason = "Rate changed" if rate_changed else "Basics edited"  # type: ignore[attr-defined]
        locked.save()
        if rate_changed and locked.status in CHECKED_STATUSES:
            vetting_checks_enqueue(profile=locked, check_names=CHECKS_AFTER_EDIT["basics"])
    return locked


def _prepare_admission(admission: BarAdmission, before: dict[int, tuple[int, str, int]]) -> bool:
    """Normalise the number; a new or changed admission loses its verification. True if material."""
    admission.registration_number = normalise_registration_number(admission.registration_number)
    key = (admission.jurisdiction_id, admission.registration_number, admission.year_admitted)
    if admission.pk is not None and before.get(admission.pk) == key:
        return False
    admission.verified_at = None
    admission.verified_by = None
    return True


def lawyer_profile_items_save(
    *,
    profile: LawyerProfile,
    section: str,
    saved: Sequence[models.Model],
    deleted: Sequence[models.Model],
    by: User,
) -> None:
    """Save one list section of a profile (admissions, languages, …) all or nothing.

    New or changed admissions become unverified until staff verify them; the profile keeps its status.
    Raises DomainError if an item belongs to another profile or the rows conflict with saved ones.
    """
    model = SECTION_MODELS.get(section)
    if model is None:
        raise DomainError(f"Unknown profile section “{section}”.")
    for item in [*saved, *deleted]:
        if not isinstance(item, model) or (item.pk is not None and item.profile_id != profile.pk):  # type: ignore[attr-defined]
            raise DomainError("That entry does not belong to this profile.")
    try:
        with transaction.atomic():
            locked = _lock_profile(profile.pk)
            material = bool(deleted)
            before: dict[int, tuple[int, str, int]] = {}
            if model is BarAdmission:
                before = {
                    pk: (jurisdiction_id, number, year)
                    for pk, jurisdiction_id, number, year in BarAdmission.objects.filter(
                        profile=locked, pk__in=[item.pk for item in saved if item.pk]
                    ).values_list("pk", "jurisdiction_id", "registration_number", "year_admitted")
                }
            for item in deleted:
                item.delete()
            for item in saved:
                item.profile = locked  # type: ignore[attr-defined]
                if isinstance(item, BarAdmission):
                    material |= _prepare_admission(item, before)
                elif isinstance(item, DeclaredConflict):
                    item.organisation = item.organisation.strip()
                    item.organisation_normalised = normalise_organisation_name(item.organisation)
                    material = True
                elif isinstance(item, Experience):
                    # Matching compares it with a matter's counterparties, in SQL (recent employers).
                    item.organisation_normalised = normalise_organisation_name(item.organisation)
                    material = True
                else:
                    material = True
                item.save()
            if section in ("admissions", "experiences"):
                lawyer_profile_recompute_seniority(profile=locked)
            if material:
                locked.save(update_fields=["updated_at"])
                if locked.status in CHECKED_STATUSES and CHECKS_AFTER_EDIT[section]:
                    vetting_checks_enqueue(profile=locked, check_names=CHECKS_AFTER_EDIT[section])
    except IntegrityError as exc:
        logger.info("profile %s section %s not saved: %s", profile.pk, section, exc)
        raise DomainError(
            "Two entries in this section are the same, or one repeats an entry you already have. "
            "Nothing was saved; remove the duplicate and save again."
        ) from exc
    profile.refresh_from_db()


def bar_admission_verify(*, admission: BarAdmission, by: User) -> bool:
    """Mark an admission verified by a staff member. False if it already was (nothing changes)."""
    if not by.is_staff:
        raise DomainError("Only the talent team can verify bar admissions.")
    updated = BarAdmission.objects.filter(pk=admission.pk, verified_at__isnull=True).update(
        verified_at=timezone.now(), verified_by=by
    )
    admission.refresh_from_db()
    return bool(updated)


# --- documents --------------------------------------------------------------------------------------


def document_upload(*, profile: LawyerProfile, kind: str, uploaded_file: Any, by: User) -> Document:
    """Store a CV or bar certificate under a random name after checking its real type and size.

    Raises DomainError for an unknown kind, an empty or oversize file, or content that is not PDF/DOCX.
    """
    if kind not in Document.Kind.values:
        raise DomainError("Choose what kind of document this is.", field="kind")
    max_bytes = document_max_bytes()
    size = int(getattr(uploaded_file, "size", 0) or 0)
    if size == 0:
        raise DomainError("The file is empty.", field="file")
    if size > max_bytes:
        raise DomainError(
            f"The file is {size / 1_048_576:.1f} MB; the limit is {max_bytes / 1_048_576:.0f} MB.",
            field="file",
        )
    content_type = detect_document_type(uploaded_file)
    if content_type not in ALLOWED_CONTENT_TYPES:
        raise DomainError(
            "Only PDF and Word (.docx) files are accepted; this file's content is neither.", field="file"
        )
    original = (getattr(uploaded_file, "name", "") or "document").replace("/", "_").replace("\\", "_")[-200:]
    document = Document(kind=kind, original_filename=original, content_type=content_type, size=size)
    # The storage name comes from `document_upload_to`, never from the uploader.
    document.file.save("upload", uploaded_file, save=False)
    try:
        with transaction.atomic():
            locked = _lock_profile(profile.pk)
            document.profile = locked
            document.save()
            locked.save(update_fields=["updated_at"])
            if locked.status in CHECKED_STATUSES:
                vetting_checks_enqueue(profile=locked, check_names=CHECKS_AFTER_EDIT["documents"])
    except Exception:
        document.file.storage.delete(document.file.name)
        raise
    return document


def document_delete(*, document: Document, by: User) -> None:
    """Remove a document and its stored file (the file only once the deletion has committed)."""
    storage, name = document.file.storage, document.file.name
    with transaction.atomic():
        locked = _lock_profile(document.profile_id)
        document.delete()
        locked.save(update_fields=["updated_at"])
        if locked.status in CHECKED_STATUSES:
            vetting_checks_enqueue(profile=locked, check_names=CHECKS_AFTER_EDIT["documents"])
        transaction.on_commit(lambda: storage.delete(name))


# --- vetting checks ---------------------------------------------------------------------------------


def vetting_checks_enqueue(*, profile: LawyerProfile, check_names: Iterable[str] | None = None) -> None:
    """Run the checks in a worker once the current transaction commits (all checks if none named)."""
    from lawyers.tasks import vetting_run_checks

    names = sorted(set(check_names)) if check_names is not None else None
    # Through the outbox: written with this transaction, sent after it commits, relayed if the broker is down.
    job_enqueue(vetting_run_checks, profile.pk, names)


def vetting_checks_run(
    *, profile_id: int, check_names: Iterable[str] | None = None, run_key: str = ""
) -> list[VettingCheck]:
    """Run checks and store each result, replacing the previous one. Safe to run twice.

    When every check has run since submission, an applied profile moves to review.
    """
    names = list(check_names) if check_names is not None else list(CHECKS)
    unknown = [name for name in names if name not in CHECKS]
    if unknown:
        raise DomainError(f"Unknown vetting checks: {', '.join(unknown)}.")
    profile = LawyerProfile.objects.select_related("user").filter(pk=profile_id).first()
    if profile is None:  # deleted since the job was queued
        return []
    run_key = run_key or uuid.uuid4().hex
    today = timezone.localdate()
    results = []
    for name in names:
        outcome = CHECKS[name](profile, today=today)
        check, _ = VettingCheck.objects.update_or_create(
            profile=profile,
            name=name,
            defaults={
                "result": outcome.result,
                "detail": outcome.detail,
                "ran_at": timezone.now(),
                "run_key": run_key,
            },
        )
        results.append(check)
    if profile.status == Status.APPLIED and profile.submitted_at is not None:
        done = VettingCheck.objects.filter(profile=profile, ran_at__gte=profile.submitted_at).count()
        if done >= len(CHECKS):
            _transition(
                profile=profile,
                by=None,
                reason="Automated checks finished.",
                allowed_from={Status.APPLIED},
                to=Status.IN_REVIEW,
                verb="moved to review",
                quiet_if_moved=True,
            )
    return results


# --- the vetting state machine ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Move:
    allowed_from: frozenset[str]
    to: str
    verb: str


def _transition(
    *,
    profile: LawyerProfile,
    by: User | None,
    reason: str,
    allowed_from: set[str] | frozenset[str],
    to: str,
    verb: str,
    quiet_if_moved: bool = False,
) -> VettingDecision | None:
    """Lock the profile, check its state, change it, record the decision and email the lawyer."""
    with transaction.atomic():
        locked = _lock_profile(profile.pk)
        if locked.status not in allowed_from:
            if quiet_if_moved:
                return None
            allowed = " or ".join(sorted(Status(s).label.lower() for s in allowed_from))
            raise ConflictError(
                f"This profile is {locked.get_status_display().lower()}, so it cannot be {verb}; "
                f"only {allowed} profiles can.",
                code="illegal_transition",
            )
        now = timezone.now()
        decision = VettingDecision.objects.create(
            profile=locked, from_status=locked.status, to_status=to, by=by, at=now, reason=reason
        )
        locked.status = to
        if to == Status.APPLIED:
            locked.submitted_at = now
        if to in (Status.VETTED, Status.REJECTED, Status.SUSPENDED):
            locked.decided_at = now
            locked.decision_reason = reason
        locked._change_reason = f"{decision}: {reason}" if reason else str(decision)  # type: ignore[attr-defined]
        locked.save()
        decision_id = decision.pk
        _enqueue_decision_notice(decision_id)
    profile.refresh_from_db()
    return decision


def _enqueue_decision_notice(decision_id: int) -> None:
    from lawyers.tasks import vetting_decision_notify

    job_enqueue(vetting_decision_notify, decision_id)


def _require_staff(by: User) -> None:
    if not by.is_staff:
        raise DomainError("Only the talent team can make vetting decisions.", code="forbidden")


def _require_reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            f"Give a reason for {what}; the lawyer will read it.", code="reason_required", field="reason"
        )
    return reason


def lawyer_profile_submit(*, profile: LawyerProfile, by: User) -> VettingDecision:
    """Submit (or, after a rejection, resubmit) the application; the checks run once it is saved.

    Raises DomainError listing what is missing, ConflictError if it is not a draft or rejected.
    """
    if by.pk != profile.user_id and not by.is_staff:
        raise DomainError("Only the lawyer can submit their application.", code="forbidden")
    if profile.status not in (Status.DRAFT, Status.REJECTED):
        raise ConflictError(
            f"This profile is {profile.get_status_display().lower()}; only a draft or rejected "
            "application can be submitted.",
            code="illegal_transition",
        )
    missing = profile_missing_items(profile)
    if missing:
        raise DomainError(
            "Your application is not complete yet. Still missing: " + "; ".join(missing) + ".",
            code="incomplete",
        )
    with transaction.atomic():
        decision = _transition(
            profile=profile,
            by=by,
            reason="Resubmitted after changes." if profile.status == Status.REJECTED else "",
            allowed_from={Status.DRAFT, Status.REJECTED},
            to=Status.APPLIED,
            verb="submitted",
        )
        vetting_checks_enqueue(profile=profile)
    assert decision is not None
    return decision


def lawyer_profile_start_review(*, profile: LawyerProfile, by: User) -> VettingDecision:
    """Staff take an applied profile into review (the checks also do this when they finish)."""
    _require_staff(by)
    decision = _transition(
        profile=profile,
        by=by,
        reason="",
        allowed_from={Status.APPLIED},
        to=Status.IN_REVIEW,
        verb="taken into review",
    )
    assert decision is not None
    return decision


def lawyer_profile_approve(*, profile: LawyerProfile, by: User, reason: str = "") -> VettingDecision:
    """Vet a profile in review. Raises DomainError unless at least one admission is verified."""
    _require_staff(by)
    if (
        profile.status == Status.IN_REVIEW
        and not profile.admissions.filter(verified_at__isnull=False).exists()
    ):
        raise DomainError(
            "Verify at least one bar admission before approving: only verified admissions are matched.",
            code="no_verified_admission",
        )
    decision = _transition(
        profile=profile,
        by=by,
        reason=(reason or "").strip(),
        allowed_from={Status.IN_REVIEW},
        to=Status.VETTED,
        verb="approved",
    )
    assert decision is not None
    return decision


def lawyer_profile_reject(*, profile: LawyerProfile, by: User, reason: str) -> VettingDecision:
    """Reject an application in review, with the reason the lawyer will read."""
    _require_staff(by)
    decision = _transition(
        profile=profile,
        by=by,
        reason=_require_reason(reason, "rejecting the application"),
        allowed_from={Status.IN_REVIEW},
        to=Status.REJECTED,
        verb="rejected",
    )
    assert decision is not None
    return decision


def lawyer_profile_suspend(*, profile: LawyerProfile, by: User, reason: str) -> VettingDecision:
    """Suspend a vetted lawyer: they stop being matched until reinstated."""
    _require_staff(by)
    decision = _transition(
        profile=profile,
        by=by,
        reason=_require_reason(reason, "the suspension"),
        allowed_from={Status.VETTED},
        to=Status.SUSPENDED,
        verb="suspended",
    )
    assert decision is not None
    return decision


def lawyer_profile_reinstate(*, profile: LawyerProfile, by: User, reason: str) -> VettingDecision:
    """Reinstate a suspended lawyer as vetted."""
    _require_staff(by)
    decision = _transition(
        profile=profile,
        by=by,
        reason=_require_reason(reason, "reinstating"),
        allowed_from={Status.SUSPENDED},
        to=Status.VETTED,
        verb="reinstated",
    )
    assert decision is not None
    return decision


# --- notices ----------------------------------------------------------------------------------------

_SUBJECTS = {
    Status.APPLIED: "We have received your application",
    Status.IN_REVIEW: "Your application is in review",
    Status.VETTED: "You are vetted: welcome to the Counsel Network",
    Status.REJECTED: "Your application was not accepted",
    Status.SUSPENDED: "Your profile has been suspended",
}


def vetting_decision_notify(*, decision_id: int) -> bool:
    """Email the lawyer about a decision, once. False if it was already sent (or no longer exists).

    The row lock and `notified_at` make a second run a no-op; a failed send leaves it unsent for a retry.
    """
    with transaction.atomic():
        decision = (
            VettingDecision.objects.select_for_update()
            .select_related("profile__user")
            .filter(pk=decision_id, notified_at__isnull=True)
            .first()
        )
        if decision is None:
            return False
        user = decision.profile.user
        reinstated = decision.from_status == Status.SUSPENDED and decision.to_status == Status.VETTED
        subject = "Your profile is active again" if reinstated else _SUBJECTS[Status(decision.to_status)]
        body = render_to_string(
            "lawyers/email/decision.txt", {"decision": decision, "user": user, "reinstated": reinstated}
        )
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        decision.notified_at = timezone.now()
        decision.save(update_fields=["notified_at"])
    return True


# --- sanctions list ---------------------------------------------------------------------------------


def sanctioned_entry_save(*, entry: SanctionedEntry, by: User) -> SanctionedEntry:
    """Save a sanctions-list entry with its name and number normalised for matching."""
    _require_staff(by)
    entry.name = entry.name.strip()
    entry.name_normalised = normalise_organisation_name(entry.name)
    entry.registration_number = normalise_registration_number(entry.registration_number)
    if not entry.name_normalised and not entry.registration_number:
        raise DomainError("Give a name, a registration number, or both.")
    entry.save()
    return entry

"""Match runs: request one (enqueued after commit), execute it, store its results in bulk.

Executing is safe to repeat: a run is claimed with a conditional update (queued → running), so a
second delivery of the same job does nothing; results are written in one transaction that first
checks the run still describes the matter (its input fingerprint) and that no newer run has stored
results, so a stale run never overwrites a newer one.
"""

import datetime as dt
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import DatabaseError, models, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from accounts.models import User
from engagements import rules
from engagements.matching import (
    MissingExchangeRate,
    ScoreWeights,
    SeatMatch,
    TeamProposal,
    engagement_cost,
    match_seat,
    propose_team,
    team_seat,
)
from engagements.models import MatchCandidate, MatchRun, Matter, ProposedTeamMember, Seat, SeatFunnel
from engagements.pools import seat_pools
from jurisdictions.money import convert
from jurisdictions.selectors import exchange_rates_current
from marketplace.errors import ConflictError, DomainError
from outbox.services import job_enqueue

logger = logging.getLogger(__name__)

CENT = Decimal("0.01")
# Rows per INSERT when storing a run's results.
STORE_BATCH_SIZE = 500


_FINGERPRINT_SEAT_FIELDS = (
    "pk",
    "jurisdiction_id",
    "practice_area_id",
    "min_seniority_years",
    "hours_per_week",
)


# What `matter_fingerprint` reads of the matter.
_FINGERPRINT_MATTER_FIELDS = (
    "practice_area",
    "start_date",
    "end_date",
    "engagement_model",
    "rate_cap",
    "budget_total",
    "currency",
    "required_languages",
    "counterparties_normalised",
)


def _open_seats(matter: Matter) -> models.QuerySet[Seat]:
    return Seat.objects.filter(matter_id=matter.pk, status=Seat.Status.OPEN).order_by("position", "pk")


def matter_fingerprint(matter: Matter, seats: Sequence[Seat] | None = None) -> str:
    """The hash of the matter's material inputs as stored now (one query for the seats, unless its
    open seats are given, in order)."""
    if seats is None:
        rows = list(_open_seats(matter).values(*_FINGERPRINT_SEAT_FIELDS))
    else:
        rows = [{field: getattr(seat, field) for field in _FINGERPRINT_SEAT_FIELDS} for seat in seats]
    return rules.matter_fingerprint(
        matter={
            "practice_area": matter.practice_area_id,
            "start": matter.start_date,
            "end": matter.end_date,
            "model": matter.engagement_model,
            "rate_cap": matter.rate_cap,
            "budget": matter.budget_total,
            "currency": matter.currency,
            "languages": matter.required_languages,
            "counterparties": matter.counterparties_normalised,
        },
        seats=rows,
    )


def _enqueue(run_id: int) -> None:
    from engagements.tasks import match_run_execute

    # Through the outbox: written with the run, sent after the commit, relayed if the broker is down.
    # The periodic sweep (`match_runs_resume`) remains as a second net for runs whose job was lost.
    job_enqueue(match_run_execute, run_id)


@transaction.atomic
def match_run_request(*, matter: Matter, by: User | None) -> MatchRun:
    """Queue matching for an open matter; the job is enqueued once the transaction commits.

    A run for the same inputs already queued or running is returned instead of a second one; runs
    still pending for older inputs are marked superseded. Raises ConflictError unless the matter is open.
    """
    locked = Matter.objects.select_for_update().get(pk=matter.pk)
    if locked.status != Matter.Status.OPEN:
        raise ConflictError(
            f"Only an open matter is matched; this one is {locked.get_status_display().lower()}.",
            code="not_open",
        )
    fingerprint = matter_fingerprint(locked)
    pending = MatchRun.objects.filter(
        matter=locked, status__in=[MatchRun.Status.QUEUED, MatchRun.Status.RUNNING], superseded=False
    )
    same = pending.filter(input_fingerprint=fingerprint).order_by("-pk").first()
    if same is not None:
        return same
    pending.update(superseded=True)
    run = MatchRun.objects.create(
        matter=locked, requested_by=by, input_fingerprint=fingerprint, currency=locked.currency
    )
    _enqueue(run.pk)
    return run


@dataclass(frozen=True)
class _Outcome:
    matches: Sequence[SeatMatch]
    seats: Mapping[int, Seat]
    team: TeamProposal
    considered: int
    usd_per_unit: Decimal


def _claim(*, run_id: int, attempt_key: str) -> bool:
    now = timezone.now()
    stale = now - dt.timedelta(seconds=int(getattr(settings, "CELERY_TASK_TIME_LIMIT", 300)) + 60)
    claimable = Q(status=MatchRun.Status.QUEUED) | Q(status=MatchRun.Status.RUNNING, started_at__lt=stale)
    if attempt_key:
        # A retry of the attempt that claimed the run (same job id) takes it up again.
        claimable |= Q(status=MatchRun.Status.RUNNING, claim_key=attempt_key)
    return bool(
        MatchRun.objects.filter(claimable, pk=run_id).update(
            status=MatchRun.Status.RUNNING, started_at=now, claim_key=attempt_key, attempts=F("attempts") + 1
        )
    )


def match_run_execute(*, run_id: int, attempt_key: str = "") -> MatchRun | None:
    """Execute a queued run: claim it, gather candidates, call the matching core, store the results.

    Returns None when the run was not claimable (already running elsewhere, or finished). Bad data
    (a currency without an exchange rate, say) ends the run as failed with a readable error;
    database errors propagate so the job can retry them.
    """
    if not _claim(run_id=run_id, attempt_key=attempt_key):
        logger.info("match run %s: not claimable, nothing to do", run_id)
        return None
    run = MatchRun.objects.select_related("matter").get(pk=run_id)
    seats = list(_open_seats(run.matter).select_related("jurisdiction", "practice_area"))
    if run.superseded or matter_fingerprint(run.matter, seats) != run.input_fingerprint:
        return _finish_superseded(run, attempt_key=attempt_key)
    started = time.perf_counter()
    try:
        outcome = _compute(run.matter, seats)
    except DatabaseError:
        raise
    except (DomainError, MissingExchangeRate) as exc:
        return match_run_fail(run_id=run_id, error=getattr(exc, "message", str(exc)))
    except Exception as exc:
        logger.exception("match run %s failed", run_id)
        return match_run_fail(
            run_id=run_id, error=f"Matching failed unexpectedly ({type(exc).__name__}: {exc})."
        )
    duration_ms = round((time.perf_counter() - started) * 1000)
    return _store(run, outcome, attempt_key=attempt_key, duration_ms=duration_ms)


def _compute(matter: Matter, seats: Sequence[Seat]) -> _Outcome:
    rates = exchange_rates_current()
    usd_per_unit = convert(Decimal(1), matter.currency, "USD", rates)
    pools = seat_pools(matter=matter, seats=seats, usd_per_unit=rates, today=timezone.localdate())
    weights = ScoreWeights.from_mapping(getattr(settings, "MATCHING_SCORE_WEIGHTS", None))
    top_k = int(getattr(settings, "MATCHING_SHORTLIST_SIZE", 10))
    matches = [
        match_seat(
            p.spec, p.pool, weights=weights, top_k=top_k, prefiltered=p.prefiltered, considered=p.considered
        )
        for p in pools
    ]
    budget_usd = None if matter.budget_total is None else matter.budget_total * usd_per_unit
    team = propose_team(
        [team_seat(match) for match in matches],
        budget_usd,
        time_limit_s=float(getattr(settings, "MATCHING_SOLVER_TIME_LIMIT_S", 2.0)),
    )
    considered = pools[0].considered if pools else 0
    return _Outcome(
        matches=matches,
        seats={s.pk: s for s in seats},
        team=team,
        considered=considered,
        usd_per_unit=usd_per_unit,
    )


def _in_currency(amount_usd: Decimal, usd_per_unit: Decimal) -> Decimal:
    return (amount_usd / usd_per_unit).quantize(CENT)


def _locked_for_store(run: MatchRun, attempt_key: str) -> tuple[MatchRun, bool] | None:
    """The run locked with its matter, and whether its results may be stored (None: not ours any more)."""
    matter = Matter.objects.select_for_update().only(*_FINGERPRINT_MATTER_FIELDS).get(pk=run.matter_id)
    newer = MatchRun.objects.filter(
        matter_id=OuterRef("matter_id"), status=MatchRun.Status.DONE, superseded=False, pk__gt=OuterRef("pk")
    )
    locked = MatchRun.objects.select_for_update().annotate(newer=Exists(newer)).get(pk=run.pk)
    if locked.status != MatchRun.Status.RUNNING or locked.claim_key != attempt_key:
        return None
    current = (
        not locked.superseded and not locked.newer and matter_fingerprint(matter) == locked.input_fingerprint
    )
    return locked, current


def _finish_superseded(run: MatchRun, *, attempt_key: str) -> MatchRun | None:
    with transaction.atomic():
        claimed = _locked_for_store(run, attempt_key)
        if claimed is None:
            return None
        locked, _ = claimed
        _mark_superseded(locked)
        return locked


def _mark_superseded(run: MatchRun) -> None:
    run.status = MatchRun.Status.DONE
    run.superseded = True
    run.finished_at = timezone.now()
    run.error = "Superseded: the matter changed, or a newer run finished, before this one did."
    run.save(update_fields=["status", "superseded", "finished_at", "error"])


# What storing a run's results sets on it.
_RESULT_FIELDS = (
    "status",
    "finished_at",
    "duration_ms",
    "error",
    "usd_per_unit",
    "lawyers_considered",
    "team_status",
    "team_total_score",
    "team_total_cost",
    "team_budget",
    "team_cheapest_cost",
    "team_gap",
    "team_binding",
    "team_message",
)


def _store(run: MatchRun, outcome: _Outcome, *, attempt_key: str, duration_ms: int) -> MatchRun | None:
    with transaction.atomic():
        claimed = _locked_for_store(run, attempt_key)
        if claimed is None:
            return None
        locked, current = claimed
        if not current:
            _mark_superseded(locked)
            return locked
        rate = outcome.usd_per_unit
        # No rows to replace: they are written only here, in the transaction that ends the run, and
        # a run still running (which `_locked_for_store` checked) has none.
        # Only what is shown: each seat's funnel and shortlist (top K), and the team; one INSERT each
        # for a usual matter (batches bound the statement size for very many seats).
        SeatFunnel.objects.bulk_create(_funnels(locked, outcome), batch_size=STORE_BATCH_SIZE)
        MatchCandidate.objects.bulk_create(_candidates(locked, outcome), batch_size=STORE_BATCH_SIZE)
        team = outcome.team
        ProposedTeamMember.objects.bulk_create(
            [
                ProposedTeamMember(
                    run=locked,
                    seat_id=member.seat_id,
                    lawyer_id=member.lawyer_id,
                    score=member.score,
                    cost_usd=member.cost_usd,
                    cost=_in_currency(member.cost_usd, rate),
                )
                for member in team.assignments
            ],
            batch_size=STORE_BATCH_SIZE,
        )
        locked.status = MatchRun.Status.DONE
        locked.finished_at = timezone.now()
        locked.duration_ms = duration_ms
        locked.error = ""
        locked.usd_per_unit = rate
        locked.lawyers_considered = outcome.considered
        locked.team_status = team.status.value
        locked.team_total_score = team.total_score
        locked.team_total_cost = _in_currency(team.total_cost_usd, rate) if team.feasible else None
        locked.team_budget = None if team.budget_usd is None else _in_currency(team.budget_usd, rate)
        locked.team_cheapest_cost = (
            None if team.cheapest_cost_usd is None else _in_currency(team.cheapest_cost_usd, rate)
        )
        locked.team_gap = team.gap if team.feasible else None
        locked.team_binding = team.binding.value if team.binding else ""
        locked.team_message = team.message
        locked.save(update_fields=_RESULT_FIELDS)
        # These results replace any earlier run's: exactly one current run per matter.
        MatchRun.objects.filter(
            matter_id=locked.matter_id, status=MatchRun.Status.DONE, superseded=False
        ).exclude(pk=locked.pk).update(superseded=True)
    logger.info("match run %s done in %s ms", locked.pk, duration_ms)
    return locked


def _funnels(run: MatchRun, outcome: _Outcome) -> list[SeatFunnel]:
    rows = []
    for match in outcome.matches:
        funnel = match.funnel
        emptied = funnel.emptied_by if funnel.eligible_count == 0 else None
        rows.append(
            SeatFunnel(
                run=run,
                seat_id=match.seat.seat_id,
                steps=[
                    {
                        "filter": s.filter.value,
                        "label": s.label,
                        "remaining": s.remaining,
                        "removed": s.removed,
                    }
                    for s in funnel.steps
                ],
                considered=funnel.considered,
                eligible=funnel.eligible_count,
                explanation=match.explanation[:500],
                empty_reason=emptied.label[:200] if emptied else "",
            )
        )
    return rows


def _candidates(run: MatchRun, outcome: _Outcome) -> list[MatchCandidate]:
    rate = outcome.usd_per_unit
    rows = []
    for match in outcome.matches:
        seat = match.seat
        for candidate in match.shortlist:
            cost_usd = engagement_cost(candidate.rate_usd, seat.hours_per_week, seat.start, seat.end)
            rows.append(
                MatchCandidate(
                    run=run,
                    seat_id=seat.seat_id,
                    lawyer_id=candidate.lawyer_id,
                    rank=candidate.rank,
                    score=candidate.score,
                    rate_usd=candidate.rate_usd,
                    rate=_in_currency(candidate.rate_usd, rate),
                    cost=_in_currency(cost_usd, rate),
                    factors=[
                        {
                            "name": f.name,
                            "label": f.label,
                            "weight": str(f.weight),
                            "value": f.value,
                            "points": str(f.points),
                            "explanation": f.explanation,
                        }
                        for f in candidate.factors
                    ],
                )
            )
    return rows


def match_run_fail(*, run_id: int, error: str) -> MatchRun | None:
    """End a queued or running run as failed, with an error people can read."""
    now = timezone.now()
    MatchRun.objects.filter(pk=run_id, status__in=[MatchRun.Status.QUEUED, MatchRun.Status.RUNNING]).update(
        status=MatchRun.Status.FAILED, finished_at=now, error=error[:2000]
    )
    logger.warning("match run %s failed: %s", run_id, error)
    return MatchRun.objects.filter(pk=run_id).first()


def match_runs_resume(*, older_than_s: int = 60) -> int:
    """Enqueue again the runs whose job was lost (broker down at enqueue, worker killed): how many."""
    now = timezone.now()
    stale_running = now - dt.timedelta(seconds=int(getattr(settings, "CELERY_TASK_TIME_LIMIT", 300)) + 60)
    lost = MatchRun.objects.filter(
        Q(status=MatchRun.Status.QUEUED, created_at__lt=now - dt.timedelta(seconds=older_than_s))
        | Q(status=MatchRun.Status.RUNNING, started_at__lt=stale_running),
        superseded=False,
    ).values_list("pk", flat=True)[:500]
    ids = list(lost)
    from engagements.tasks import match_run_execute

    # The sweep is its own retry: send directly; if the broker is still down, the next sweep tries again.
    for run_id in ids:
        match_run_execute.delay(run_id)
    return len(ids)


def match_run_current_pk(matter: Matter) -> int | None:
    """The id of the run whose results the matter shows (the latest done, not superseded)."""
    return (
        MatchRun.objects.filter(matter_id=matter.pk, status=MatchRun.Status.DONE, superseded=False)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )

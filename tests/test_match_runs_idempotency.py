"""Runs can be requested, delivered and retried more than once without doing anything twice."""

from decimal import Decimal

import pytest
from django.db import OperationalError
from django.test.utils import CaptureQueriesContext

from engagements import match_runs, services, tasks
from engagements.models import MatchCandidate, MatchRun, ProposedTeamMember, SeatFunnel
from tests import factories_engagements as fe

pytestmark = pytest.mark.django_db


def _ranking(run):
    return list(
        MatchCandidate.objects.filter(run=run)
        .order_by("seat__position", "rank")
        .values_list("lawyer_id", "score")
    )


def _posted(owner, **fields):
    return fe.matter(by=owner, post=True, **fields)


def test_requesting_again_while_pending_returns_the_same_run(client_owner):
    matter = _posted(client_owner)
    first = MatchRun.objects.get(matter=matter)
    again = match_runs.match_run_request(matter=matter, by=client_owner)
    assert again.pk == first.pk and MatchRun.objects.filter(matter=matter).count() == 1


def test_a_second_delivery_does_nothing(client_owner):
    fe.network(4)
    matter = _posted(client_owner)
    run = fe.run_matching(matter)
    rows = MatchCandidate.objects.filter(run=run).count()
    # when the same job is delivered again (another attempt, another worker)
    assert match_runs.match_run_execute(run_id=run.pk, attempt_key="another-delivery") is None
    # then nothing changed
    assert MatchCandidate.objects.filter(run=run).count() == rows == 8
    run.refresh_from_db()
    assert run.status == MatchRun.Status.DONE and run.attempts == 1


def test_a_running_run_is_not_claimed_twice(client_owner):
    matter = _posted(client_owner)
    run = MatchRun.objects.get(matter=matter)
    MatchRun.objects.filter(pk=run.pk).update(status=MatchRun.Status.RUNNING, claim_key="first")
    from django.utils import timezone

    MatchRun.objects.filter(pk=run.pk).update(started_at=timezone.now())
    assert match_runs.match_run_execute(run_id=run.pk, attempt_key="second") is None
    assert not SeatFunnel.objects.filter(run=run).exists()


def test_rerun_with_unchanged_inputs_gives_the_same_ranking_and_no_duplicates(client_owner):
    fe.network(6)
    matter = _posted(client_owner)
    first = fe.run_matching(matter)
    # when
    second = fe.run_matching(matter)
    # then
    assert second.pk != first.pk and second.input_fingerprint == first.input_fingerprint
    assert _ranking(second) == _ranking(first)
    pairs = list(MatchCandidate.objects.filter(run=second).values_list("seat_id", "lawyer_id"))
    assert len(pairs) == len(set(pairs)) == 12
    first.refresh_from_db()
    assert first.superseded and not second.superseded
    assert match_runs.match_run_current_pk(matter) == second.pk


def test_an_edit_supersedes_the_pending_run_and_it_never_overwrites_the_newer_one(client_owner):
    fe.network(4)
    matter = _posted(client_owner)
    old = MatchRun.objects.get(matter=matter)
    # when the client changes the rate cap before the old run is executed
    data = fe.matter_input(rate_cap=Decimal("205"))
    seats = [
        services.SeatInput(
            seat_id=s.pk,
            jurisdiction=s.jurisdiction,
            practice_area=s.practice_area,
            hours_per_week=s.hours_per_week,
        )
        for s in fe.seats_of(matter)
    ]
    services.matter_update(matter=matter, by=client_owner, data=data, seats=seats)
    new = MatchRun.objects.exclude(pk=old.pk).get(matter=matter)
    old.refresh_from_db()
    assert old.superseded and new.status == MatchRun.Status.QUEUED
    # and the new run finishes first, then the old one
    match_runs.match_run_execute(run_id=new.pk, attempt_key="new")
    match_runs.match_run_execute(run_id=old.pk, attempt_key="old")
    # then the old one stored nothing and the matter shows the new results
    old.refresh_from_db()
    assert old.status == MatchRun.Status.DONE and old.superseded
    assert not MatchCandidate.objects.filter(run=old).exists()
    assert match_runs.match_run_current_pk(matter) == new.pk
    assert MatchCandidate.objects.filter(run=new).count() == 2  # only 200 and 202 USD fit a 205 cap


def test_an_older_run_finishing_after_a_newer_one_for_the_same_inputs_stores_nothing(client_owner):
    # two runs for the same inputs, neither marked superseded (a re-run requested by staff while
    # a redelivered job was still pending, say): the later one has stored its results first
    fe.network(3)
    matter = _posted(client_owner)
    older = MatchRun.objects.get(matter=matter)
    newer = MatchRun.objects.create(
        matter=matter, input_fingerprint=older.input_fingerprint, currency=matter.currency
    )
    match_runs.match_run_execute(run_id=newer.pk, attempt_key="newer")
    # when the older one finishes
    match_runs.match_run_execute(run_id=older.pk, attempt_key="older")
    # then it is marked superseded, stores no rows, and the matter still shows the newer results
    older.refresh_from_db()
    assert older.status == MatchRun.Status.DONE and older.superseded
    assert not SeatFunnel.objects.filter(run=older).exists()
    assert match_runs.match_run_current_pk(matter) == newer.pk
    assert MatchCandidate.objects.filter(run=newer).exists()


def test_a_run_for_inputs_that_changed_underneath_is_marked_superseded(client_owner):
    fe.network(2)
    matter = _posted(client_owner)
    run = MatchRun.objects.get(matter=matter)
    type(matter).objects.filter(pk=matter.pk).update(required_languages=["fr"])
    match_runs.match_run_execute(run_id=run.pk, attempt_key="x")
    run.refresh_from_db()
    assert run.superseded and run.status == MatchRun.Status.DONE
    assert not SeatFunnel.objects.filter(run=run).exists()


def test_an_edit_that_changes_nothing_material_does_not_rerun(client_owner):
    matter = _posted(client_owner)
    seats = [
        services.SeatInput(
            seat_id=s.pk,
            jurisdiction=s.jurisdiction,
            practice_area=s.practice_area,
            hours_per_week=s.hours_per_week,
            label=s.label,
        )
        for s in fe.seats_of(matter)
    ]
    services.matter_update(
        matter=matter, by=client_owner, data=fe.matter_input(title="New title"), seats=seats
    )
    assert MatchRun.objects.filter(matter=matter).count() == 1


def test_transient_database_errors_are_retried(client_owner, monkeypatch):
    fe.network(2)
    matter = _posted(client_owner)
    run = MatchRun.objects.get(matter=matter)
    real = match_runs._compute
    calls = []

    def flaky(m, seats):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(m, seats)

    monkeypatch.setattr(match_runs, "_compute", flaky)
    # when the job meets the error it asks to be retried, and the retry (same job id) takes the run up again
    from celery.exceptions import Retry

    with pytest.raises(Retry):
        tasks.match_run_execute.apply(args=[run.pk], task_id="job-1")
    run.refresh_from_db()
    assert run.status == MatchRun.Status.RUNNING
    assert match_runs.match_run_execute(run_id=run.pk, attempt_key="someone-else") is None
    tasks.match_run_execute.apply(args=[run.pk], task_id="job-1", retries=1)
    # then
    run.refresh_from_db()
    assert len(calls) == 2 and run.status == MatchRun.Status.DONE and run.attempts == 2


def test_other_errors_fail_the_run_with_a_readable_message(client_owner, monkeypatch):
    matter = _posted(client_owner)
    run = MatchRun.objects.get(matter=matter)

    def broken(m, seats):
        raise ValueError("the pool has 3 lawyers but 4 were left")

    monkeypatch.setattr(match_runs, "_compute", broken)
    tasks.match_run_execute.apply(args=[run.pk])
    run.refresh_from_db()
    assert run.status == MatchRun.Status.FAILED
    assert run.error == "Matching failed unexpectedly (ValueError: the pool has 3 lawyers but 4 were left)."


def test_posting_enqueues_the_job_only_after_commit(client_owner, django_capture_on_commit_callbacks):
    fe.network(3)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        matter = _posted(client_owner)
        assert MatchRun.objects.get(matter=matter).status == MatchRun.Status.QUEUED
    assert len(callbacks) == 1
    callbacks[0]()  # the commit happens: the job runs (eagerly in tests)
    assert MatchRun.objects.get(matter=matter).status == MatchRun.Status.DONE


def test_lost_jobs_are_enqueued_again_by_the_sweep(client_owner, django_capture_on_commit_callbacks):
    fe.network(2)
    matter = _posted(client_owner)
    run = MatchRun.objects.get(matter=matter)
    from django.utils import timezone

    MatchRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - timezone.timedelta(minutes=5))
    assert tasks.match_runs_resume.apply().get() == 1
    run.refresh_from_db()
    assert run.status == MatchRun.Status.DONE


@pytest.mark.parametrize("seat_count", [1, 3])
def test_query_count_does_not_grow_with_the_network(client_owner, seat_count):
    def queries(size, code):
        fe.network(size, code=code)
        matter = fe.matter(
            by=client_owner,
            post=True,
            budget_total=None,
            seats=[fe.seat_input(code=code) for _ in range(seat_count)],
        )
        run = MatchRun.objects.get(matter=matter)
        with CaptureQueriesContext(__import__("django.db").db.connection) as captured:
            match_runs.match_run_execute(run_id=run.pk, attempt_key="q")
        assert MatchRun.objects.get(pk=run.pk).status == MatchRun.Status.DONE
        return len(captured.captured_queries), ProposedTeamMember.objects.filter(run=run).count()

    small, small_team = queries(5, "SG")
    large, large_team = queries(50, "DE")
    assert small == large
    assert small_team == large_team == seat_count

"""Client pages for matters: list, post (with seats), edit, cancel, detail. Thin: services decide."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.models import Membership
from engagements import match_runs, selectors, services
from engagements.forms import CancelForm, MatterForm, SeatFormSet, seat_initial
from engagements.models import Matter
from marketplace.errors import DomainError

SEAT_PREFIX = "seats"


def _add_domain_error(form: forms.Form, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _membership(request: HttpRequest) -> Membership | None:
    try:
        return request.user.membership  # type: ignore[union-attr]
    except Membership.DoesNotExist:
        return None


def _membership_exists(request: HttpRequest) -> bool:
    return _membership(request) is not None


@login_required
def matter_list(request: HttpRequest) -> HttpResponse:
    matters = selectors.matter_list_for_user(request.user)  # type: ignore[arg-type]
    status = request.GET.get("status", "")
    if status in Matter.Status.values:
        matters = matters.filter(status=status)
    return render(
        request,
        "engagements/matter_list.html",
        {
            "matters": matters[:200],
            "status": status,
            "statuses": Matter.Status.choices,
            "can_post": _membership_exists(request),
        },
    )


def _save_matter(
    request: HttpRequest, *, matter: Matter | None, form: MatterForm, seats: Any
) -> Matter | None:
    """Run the service for a valid form and formset; put a refusal next to the right field."""
    if not (form.is_valid() and seats.is_valid()):
        return None
    post = request.POST.get("action") == "post"
    try:
        if matter is None:
            saved = services.matter_create(
                by=request.user,  # type: ignore[arg-type]
                data=form.to_input(),
                seats=seats.seat_inputs(),
                post=post,
            )
        else:
            saved = services.matter_update(
                matter=matter,
                by=request.user,  # type: ignore[arg-type]
                data=form.to_input(),
                seats=seats.seat_inputs(),
            )
            if post and saved.status == Matter.Status.DRAFT:
                saved = services.matter_post(matter=saved, by=request.user)  # type: ignore[arg-type]
    except DomainError as exc:
        if exc.field == "seats":
            seats._non_form_errors = seats.error_class([exc.message], error_class="nonform")
        else:
            _add_domain_error(form, exc)
        return None
    return saved


@login_required
def matter_create(request: HttpRequest) -> HttpResponse:
    if not _membership_exists(request):
        raise Http404("Only members of a client organisation post matters.")
    if request.method == "POST":
        form = MatterForm(request.POST)
        seats = SeatFormSet(request.POST, prefix=SEAT_PREFIX)
        matter = _save_matter(request, matter=None, form=form, seats=seats)
        if matter is not None:
            if matter.status == Matter.Status.OPEN:
                messages.success(request, "Matter posted. Matching has started.")
            else:
                messages.success(request, "Draft saved. Post it when it is ready.")
            return redirect("engagements:matter-detail", pk=matter.pk)
    else:
        form = MatterForm()
        seats = SeatFormSet(prefix=SEAT_PREFIX, initial=[{"min_seniority_years": 0}])
    return render(request, "engagements/matter_form.html", {"form": form, "seats": seats, "matter": None})


@login_required
def matter_update(request: HttpRequest, pk: int) -> HttpResponse:
    matter = selectors.matter_get_editable(request.user, pk)  # type: ignore[arg-type]
    if not matter.is_editable:
        messages.error(request, f"This matter is {matter.get_status_display().lower()} and cannot be edited.")
        return redirect("engagements:matter-detail", pk=matter.pk)
    if request.method == "POST":
        form = MatterForm(request.POST)
        seats = SeatFormSet(request.POST, prefix=SEAT_PREFIX)
        saved = _save_matter(request, matter=matter, form=form, seats=seats)
        if saved is not None:
            messages.success(request, "Matter saved.")
            return redirect("engagements:matter-detail", pk=saved.pk)
    else:
        form = MatterForm(initial=MatterForm.initial_for(matter))
        seats = SeatFormSet(prefix=SEAT_PREFIX, initial=seat_initial(matter))
    return render(request, "engagements/matter_form.html", {"form": form, "seats": seats, "matter": matter})


@login_required
def matter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    matter = selectors.matter_get_for_user(request.user, pk)  # type: ignore[arg-type]
    return render(request, "engagements/matter_detail.html", _matter_context(request, matter))


def _matter_context(request: HttpRequest, matter: Matter) -> dict[str, Any]:
    seats = list(matter.seats.all())
    return {
        "matter": matter,
        "seats": seats,
        "can_act": matter.organisation_id == getattr(_membership(request), "organisation_id", None),
        "matching": selectors.matching_view(matter, seats),
    }


@login_required
def matter_matching(request: HttpRequest, pk: int) -> HttpResponse:
    """The matching part of the matter page; while a run is pending it asks for itself every 2 s."""
    matter = selectors.matter_get_for_user(request.user, pk)  # type: ignore[arg-type]
    return render(request, "engagements/_matching.html", _matter_context(request, matter))


@login_required
@require_POST
def matter_rerun(request: HttpRequest, pk: int) -> HttpResponse:
    matter = selectors.matter_get_editable(request.user, pk)  # type: ignore[arg-type]
    try:
        match_runs.match_run_request(matter=matter, by=request.user)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, exc.message)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "engagements/_matching.html", _matter_context(request, matter))
    return redirect("engagements:matter-detail", pk=matter.pk)


@login_required
@require_POST
def matter_post(request: HttpRequest, pk: int) -> HttpResponse:
    matter = selectors.matter_get_editable(request.user, pk)  # type: ignore[arg-type]
    try:
        services.matter_post(matter=matter, by=request.user)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Matter posted. Matching has started.")
    return redirect("engagements:matter-detail", pk=matter.pk)


@login_required
def matter_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    matter = selectors.matter_get_editable(request.user, pk)  # type: ignore[arg-type]
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.matter_cancel(matter=matter, by=request.user, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]
        except DomainError as exc:
            _add_domain_error(form, exc)
        else:
            messages.success(request, "Matter cancelled.")
            return redirect("engagements:matter-detail", pk=matter.pk)
    return render(request, "engagements/matter_cancel.html", {"matter": matter, "form": form})

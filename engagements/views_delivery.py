"""Delivery pages. The engagement page: the lawyer logs time and sees it reviewed; the client approves
or rejects it, completes or ends the engagement, and rates the lawyer afterwards. The SLA page: an
organisation's targets and how they are kept. Thin: the services in `engagements.delivery` and
`engagements.sla` decide; every lookup is scoped to the viewer (404 outside it).
"""

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import Membership
from engagements import dashboards, delivery, sla
from engagements.forms import DateInput
from engagements.models import Engagement, Rating, TimeEntry
from engagements.views import with_detail_urls
from marketplace.errors import DomainError


class TimeEntryForm(forms.Form):
    """Hours on one day. The two confirmations appear only once the page has flagged the entry."""

    work_date = forms.DateField(widget=DateInput, label="Day")
    hours = forms.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal("24"),
        widget=forms.NumberInput(attrs={"step": "0.25"}),
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), max_length=4000, label="Work done"
    )
    confirm_over_week = forms.BooleanField(
        required=False, label="Log it anyway: the week goes over the engagement's hours"
    )
    confirm_over_budget = forms.BooleanField(
        required=False, label="Log it anyway: the matter goes over its budget (the client decides)"
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        coerce=int,
        choices=[
            (n, f"{n} – {label}")
            for n, label in ((5, "excellent"), (4, "good"), (3, "fair"), (2, "poor"), (1, "bad"))
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Optional. The lawyer sees it.",
    )


def _add_domain_error(form: forms.Form, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _week_hours(entries: list[TimeEntry]) -> dict[str, str]:
    """Hours counted per week (Monday's ISO date), for the form's live check in the browser."""
    weeks: dict[str, Decimal] = {}
    for entry in entries:
        if entry.status in delivery.COUNTED:
            monday = delivery.week_of(entry.work_date)[0].isoformat()
            weeks[monday] = weeks.get(monday, Decimal(0)) + entry.hours
    return {week: str(hours) for week, hours in weeks.items()}


def _engagement_context(
    request: HttpRequest,
    engagement: Engagement,
    *,
    time_form: TimeEntryForm | None = None,
    rating_form: RatingForm | None = None,
) -> dict[str, Any]:
    user = request.user
    today = timezone.localdate()
    is_lawyer = engagement.lawyer.user_id == user.pk
    can_review = delivery.can_review(user, engagement)  # type: ignore[arg-type]
    entries = list(
        TimeEntry.objects.filter(engagement=engagement)
        .select_related("reviewed_by")
        .order_by("-work_date", "-pk")[:300]
    )
    spend = delivery.matter_spend(engagement.matter)
    week_logged = delivery.engagements_week_hours([engagement.pk], day=today)[engagement.pk]
    can_log = is_lawyer and engagement.status == Engagement.Status.ACTIVE
    if can_log and time_form is None:
        default_day = min(max(today, engagement.start_date), engagement.end_date)
        time_form = TimeEntryForm(initial={"work_date": default_day})
    rating = Rating.objects.filter(engagement=engagement).select_related("rated_by").first()
    can_rate = can_review and engagement.status == Engagement.Status.COMPLETED and rating is None
    if can_rate and rating_form is None:
        rating_form = RatingForm()
    return {
        "engagement": engagement,
        "matter": engagement.matter,
        "entries": entries,
        "pending_count": sum(1 for e in entries if e.status == TimeEntry.Status.SUBMITTED),
        "spend": spend,
        "week_start": delivery.week_of(today)[0],
        "week_logged": week_logged,
        "week_left": engagement.hours_per_week - week_logged,
        "is_lawyer": is_lawyer,
        "can_review": can_review,
        "can_log": can_log,
        "time_form": time_form,
        "week_hours": _week_hours(entries),
        "today": today,
        "rating": rating,
        "can_rate": can_rate,
        "rating_form": rating_form,
    }


def _engagement(request: HttpRequest, pk: int) -> Engagement:
    return delivery.engagement_get_for_delivery(request.user, pk)  # type: ignore[arg-type]


@login_required
def engagement_delivery(request: HttpRequest, pk: int) -> HttpResponse:
    """The engagement's time, spend and rating, for its lawyer, the client and staff (read-only)."""
    engagement = _engagement(request, pk)
    return render(request, "engagements/delivery/engagement.html", _engagement_context(request, engagement))


@login_required
@require_POST
def time_entry_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Log time. An entry that would go over the week's hours or the matter's budget comes back with
    the flag and a box to tick; nothing is saved until it is ticked."""
    engagement = _engagement(request, pk)
    if engagement.lawyer.user_id != request.user.pk:
        raise PermissionDenied("Only the lawyer on this engagement logs time on it.")
    form = TimeEntryForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            outlook = delivery.time_entry_outlook(
                engagement=engagement, work_date=data["work_date"], hours=data["hours"]
            )
            # Flag everything at once, so the lawyer confirms both in one go.
            if outlook.over_week and not data["confirm_over_week"]:
                form.add_error("confirm_over_week", outlook.week_message())
            if outlook.over_budget and not data["confirm_over_budget"]:
                form.add_error("confirm_over_budget", outlook.budget_message())
            if form.is_valid():
                delivery.time_entry_log(
                    engagement=engagement,
                    by=request.user,  # type: ignore[arg-type]
                    work_date=data["work_date"],
                    hours=data["hours"],
                    description=data["description"],
                    confirm_over_budget=data["confirm_over_budget"],
                )
        except DomainError as exc:
            if exc.field not in form.fields:
                # Not about the input (the engagement has ended): nothing to correct in the form.
                messages.error(request, exc.message)
                return redirect("engagements:engagement-delivery", pk=engagement.pk)
            _add_domain_error(form, exc)
        else:
            if form.is_valid():
                messages.success(
                    request,
                    f"Logged {delivery.hours_text(data['hours'])} h on {data['work_date']:%-d %b %Y}.",
                )
                return redirect("engagements:engagement-delivery", pk=engagement.pk)
    context = _engagement_context(request, engagement, time_form=form)
    return render(request, "engagements/delivery/engagement.html", context, status=400)


def _entry(request: HttpRequest, pk: int) -> TimeEntry:
    entry = delivery.time_entries_visible_to(request.user).filter(pk=pk).first()  # type: ignore[arg-type]
    if entry is None:
        raise Http404("No such time entry.")
    return entry


@login_required
@require_POST
def time_entry_approve(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    try:
        delivery.time_entry_approve(entry=entry, by=request.user)  # type: ignore[arg-type]
    except delivery.NotAllowedError as exc:
        raise PermissionDenied(exc.message) from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Approved {delivery.entry_label(entry)}.")
    return redirect("engagements:engagement-delivery", pk=entry.engagement_id)


@login_required
def time_entry_reject(request: HttpRequest, pk: int) -> HttpResponse:
    """Reject with a reason (its own small page, so a missing reason shows next to the field)."""
    entry = _entry(request, pk)
    if not delivery.can_review(request.user, entry.engagement):  # type: ignore[arg-type]
        raise PermissionDenied("Only members of the matter's organisation review time.")
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            delivery.time_entry_reject(entry=entry, by=request.user, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]
        except DomainError as exc:
            if exc.field == "reason":
                form.add_error("reason", exc.message)
            else:
                messages.error(request, exc.message)
                return redirect("engagements:engagement-delivery", pk=entry.engagement_id)
        else:
            messages.success(request, f"Rejected {delivery.entry_label(entry)}; the lawyer has been told.")
            return redirect("engagements:engagement-delivery", pk=entry.engagement_id)
    status = 400 if request.method == "POST" else 200
    return render(request, "engagements/delivery/reject.html", {"entry": entry, "form": form}, status=status)


@login_required
@require_POST
def engagement_rate(request: HttpRequest, pk: int) -> HttpResponse:
    engagement = _engagement(request, pk)
    if not delivery.can_review(request.user, engagement):  # type: ignore[arg-type]
        raise PermissionDenied("Only members of the matter's organisation rate its lawyers.")
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            delivery.engagement_rate(
                engagement=engagement,
                by=request.user,  # type: ignore[arg-type]
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        except DomainError as exc:
            if exc.field in form.fields:
                _add_domain_error(form, exc)
            else:
                messages.error(request, exc.message)
                return redirect("engagements:engagement-delivery", pk=engagement.pk)
        else:
            messages.success(request, "Thank you: your rating is recorded and feeds future matching.")
            return redirect("engagements:engagement-delivery", pk=engagement.pk)
    context = _engagement_context(request, engagement, rating_form=form)
    context["can_rate"] = True
    return render(request, "engagements/delivery/engagement.html", context, status=400)


# --- SLA targets ---------------------------------------------------------------------------------


class SlaTargetForm(forms.Form):
    hours_to_shortlist = forms.IntegerField(
        min_value=1,
        max_value=sla.TARGET_HOURS_MAX,
        label="Hours to shortlist",
        help_text="From posting a matter to its first shortlist.",
    )
    hours_to_staff = forms.IntegerField(
        min_value=1,
        max_value=sla.TARGET_HOURS_MAX,
        label="Hours to staff",
        help_text="From posting a matter to every seat filled.",
    )
    hours_to_answer_offer = forms.IntegerField(
        min_value=1,
        max_value=sla.TARGET_HOURS_MAX,
        label="Hours for a lawyer to answer",
        help_text="From sending an offer to the lawyer's answer.",
    )

    @classmethod
    def initial_for(cls, targets: sla.Targets) -> dict[str, int]:
        return {
            "hours_to_shortlist": targets.shortlist,
            "hours_to_staff": targets.staff,
            "hours_to_answer_offer": targets.answer,
        }


def _membership(request: HttpRequest) -> Membership | None:
    try:
        return Membership.objects.select_related("organisation").get(user=request.user)
    except Membership.DoesNotExist:
        return None


@login_required
def sla_targets(request: HttpRequest) -> HttpResponse:
    """The organisation's SLA targets and how they are kept; owners change them or go back to the
    network default."""
    membership = _membership(request)
    if membership is None:
        raise Http404("SLA targets belong to client organisations.")
    organisation = membership.organisation
    is_owner = membership.role == Membership.Role.OWNER
    book = sla.target_book([organisation.pk])  # its own targets and the network's, in one query
    targets = book.for_organisation(organisation.pk)
    form = SlaTargetForm(initial=SlaTargetForm.initial_for(targets))
    status = 200
    if request.method == "POST":
        if not is_owner:
            raise PermissionDenied("Only an owner of the organisation changes its SLA targets.")
        try:
            if request.POST.get("action") == "reset":
                sla.sla_target_reset(organisation=organisation, by=request.user)  # type: ignore[arg-type]
                messages.success(request, "Back to the network's default targets.")
                return redirect("engagements:sla-targets")
            form = SlaTargetForm(request.POST)
            if form.is_valid():
                sla.sla_target_set(organisation=organisation, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
                messages.success(request, "SLA targets saved.")
                return redirect("engagements:sla-targets")
        except DomainError as exc:
            _add_domain_error(form, exc)
        status = 400
    return render(
        request,
        "engagements/delivery/sla_targets.html",
        {
            "organisation": organisation,
            "is_owner": is_owner,
            "targets": targets,
            "network": book.default,
            "form": form,
            "report": sla.sla_report(organisation_id=organisation.pk, book=book),
        },
        status=status,
    )


# --- dashboards ----------------------------------------------------------------------------------


@login_required
def client_dashboard(request: HttpRequest) -> HttpResponse:
    """A client organisation's matters, spend, engagements and SLAs, with charts. Members only."""
    if request.user.is_staff:
        return redirect("engagements:staff-dashboard")
    membership = _membership(request)
    if membership is None:
        raise PermissionDenied("The dashboard is for members of a client organisation.")
    dashboard = dashboards.client_dashboard(organisation_id=membership.organisation_id)
    with_detail_urls(row.matter for row in dashboard.matters)
    return render(
        request,
        "engagements/dashboards/client.html",
        {"organisation": membership.organisation, "dashboard": dashboard, "charts": dashboard.chart_data()},
    )


@login_required
def staff_dashboard(request: HttpRequest) -> HttpResponse:
    """The network's pipeline and SLA breaches, with charts. Staff only (404 for anyone else)."""
    if not request.user.is_staff:
        raise Http404("No such page.")
    dashboard = dashboards.staff_dashboard()
    return render(
        request,
        "engagements/dashboards/staff.html",
        {"dashboard": dashboard, "charts": dashboard.chart_data()},
    )

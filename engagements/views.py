"""Pages. Clients: matters (list, post with seats, edit, cancel, detail), sending and withdrawing
offers, completing or terminating engagements. Lawyers: the offer inbox, an offer (NDA, accept,
decline), their engagements. Thin: services decide; every lookup is scoped to the viewer (404).
"""

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import Membership
from engagements import match_runs, offers, selectors, services
from engagements.forms import CancelForm, DateInput, MatterForm, SeatFormSet, seat_initial
from engagements.models import MatchCandidate, Matter, Offer, ProposedTeamMember, Seat
from lawyers.models import LawyerProfile
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


MATTERS_PER_PAGE = 25
_PK_SENTINEL = 987654321


def with_detail_urls(matters: Any) -> list[Matter]:
    """The matters, each with its page's URL as `detail_url`: reversed once and formatted per row (a
    `{% url %}` per row of a long table costs more than the rest of the row)."""
    pattern = reverse("engagements:matter-detail", args=[_PK_SENTINEL])
    rows = list(matters)
    for matter in rows:
        matter.detail_url = pattern.replace(str(_PK_SENTINEL), str(matter.pk))  # type: ignore[attr-defined]
    return rows


@login_required
def matter_list(request: HttpRequest) -> HttpResponse:
    """The viewer's matters, newest first, a page at a time (the status filter kept across pages)."""
    matters = selectors.matter_list_page_for_user(request.user)  # type: ignore[arg-type]
    status = request.GET.get("status", "")
    if status in Matter.Status.values:
        matters = matters.filter(status=status)
    page = Paginator(matters, MATTERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "engagements/matter_list.html",
        {
            "matters": with_detail_urls(page.object_list),
            "page_obj": page,
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
    matching = selectors.matching_view(matter, seats)
    matter_offers = selectors.offers_of_matter(matter)
    engagements = selectors.engagements_of_matter(matter)
    # What each shortlisted lawyer has been offered for that seat (the latest offer), for the buttons.
    latest: dict[tuple[int, int], Offer] = {}
    for offer in matter_offers:
        latest.setdefault((offer.seat_id, offer.lawyer_id), offer)
    for result in matching.seats:
        for candidate in result.candidates:
            candidate.offer = latest.get((candidate.seat_id, candidate.lawyer_id))  # type: ignore[attr-defined]
    for member in matching.team:
        member.offer = latest.get((member.seat_id, member.lawyer_id))  # type: ignore[attr-defined]
    by_seat: dict[int, list[Offer]] = {}
    for offer in matter_offers:
        by_seat.setdefault(offer.seat_id, []).append(offer)
    for seat in seats:
        seat.offer_rows = by_seat.get(seat.pk, [])  # type: ignore[attr-defined]
        seat.engagement_row = engagements.get(seat.pk)  # type: ignore[attr-defined]
    return {
        "matter": matter,
        "seats": seats,
        "can_act": matter.organisation_id == getattr(_membership(request), "organisation_id", None),
        "matching": matching,
        "has_offers": bool(matter_offers),
        "team_to_offer": any(
            getattr(m, "offer", None) is None or m.offer.status != Offer.Status.PENDING  # type: ignore[attr-defined]
            for m in matching.team
            if m.seat.status == Seat.Status.OPEN
        ),
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


# --- offers: the client side ---------------------------------------------------------------------


class OfferForm(forms.Form):
    """An offer's terms as the client enters them; `offers.offer_send` decides."""

    hourly_rate = forms.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0.01"))
    hours_per_week = forms.DecimalField(
        max_digits=4, decimal_places=1, min_value=Decimal("0.5"), max_value=Decimal("60")
    )
    start_date = forms.DateField(widget=DateInput(format="%Y-%m-%d"))
    end_date = forms.DateField(widget=DateInput(format="%Y-%m-%d"))
    expires_at = forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="The lawyer must answer by then (72 hours from now by default).",
    )

    @classmethod
    def initial_for(cls, terms: offers.OfferTerms) -> dict[str, Any]:
        return {
            "hourly_rate": terms.hourly_rate,
            "hours_per_week": terms.hours_per_week,
            "start_date": terms.start,
            "end_date": terms.end,
            "expires_at": timezone.localtime(terms.expires_at).replace(second=0, microsecond=0),
        }


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


def _lawyer_for_offer(request: HttpRequest, seat: Seat) -> LawyerProfile:
    """The lawyer named by `?lawyer=`: only one on this seat's current shortlist or proposed team."""
    try:
        lawyer_id = int(request.GET.get("lawyer") or request.POST.get("lawyer") or 0)
    except ValueError:
        raise Http404("No such candidate.") from None
    current = match_runs.match_run_current_pk(seat.matter)
    proposed = (
        MatchCandidate.objects.filter(run_id=current, seat=seat, lawyer_id=lawyer_id).exists()
        or ProposedTeamMember.objects.filter(run_id=current, seat=seat, lawyer_id=lawyer_id).exists()
    )
    if not current or not proposed:
        raise Http404("This lawyer is not on the seat's current shortlist.")
    return LawyerProfile.objects.select_related("user").get(pk=lawyer_id)


@login_required
def offer_create(request: HttpRequest, pk: int, seat_pk: int) -> HttpResponse:
    """The small "Send offer" form for one shortlisted lawyer, with terms defaulted from their rate."""
    matter = selectors.matter_get_editable(request.user, pk)  # type: ignore[arg-type]
    seat = next((s for s in matter.seats.all() if s.pk == seat_pk), None)
    if seat is None:
        raise Http404("No such seat.")
    seat.matter = matter
    lawyer = _lawyer_for_offer(request, seat)
    if request.method == "POST":
        form = OfferForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                offers.offer_send(
                    seat=seat,
                    lawyer=lawyer,
                    by=request.user,  # type: ignore[arg-type]
                    hourly_rate=data["hourly_rate"],
                    hours_per_week=data["hours_per_week"],
                    start=data["start_date"],
                    end=data["end_date"],
                    expires_at=data["expires_at"],
                )
            except DomainError as exc:
                _add_domain_error(form, exc)
            else:
                messages.success(request, f"Offer sent to {lawyer.user.full_name}.")
                return redirect(f"{reverse('engagements:matter-detail', args=[matter.pk])}#offers")
    else:
        try:
            terms = offers.offer_terms_default(seat=seat, lawyer=lawyer)
        except DomainError as exc:
            messages.error(request, exc.message)
            terms = offers.offer_terms_default(seat=seat, lawyer=LawyerProfile())
        form = OfferForm(initial=OfferForm.initial_for(terms))
    return render(
        request,
        "engagements/offer_form.html",
        {"matter": matter, "seat": seat, "lawyer": lawyer, "form": form},
    )


@login_required
@require_POST
def offer_team(request: HttpRequest, pk: int) -> HttpResponse:
    """Offer every open seat to the proposed team's lawyer, in one go."""
    matter = selectors.matter_get_editable(request.user, pk)  # type: ignore[arg-type]
    run = selectors.match_run_current(matter)
    if run is None:
        messages.error(request, "There is no proposed team yet.")
    else:
        try:
            sent = offers.offers_send_team(run=run, by=request.user)  # type: ignore[arg-type]
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"{len(sent)} offer(s) sent to the proposed team.")
    return redirect(f"{reverse('engagements:matter-detail', args=[matter.pk])}#offers")


@login_required
@require_POST
def offer_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    offer = selectors.offer_get_for_client(request.user, pk)  # type: ignore[arg-type]
    try:
        offers.offer_withdraw(offer=offer, by=request.user)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Offer to {offer.lawyer.user.full_name} withdrawn.")
    return redirect(f"{reverse('engagements:matter-detail', args=[offer.seat.matter_id])}#offers")


@login_required
@require_POST
def engagement_complete(request: HttpRequest, pk: int) -> HttpResponse:
    engagement = selectors.engagement_get_for_client(request.user, pk)  # type: ignore[arg-type]
    try:
        offers.engagement_complete(engagement=engagement, by=request.user)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Engagement completed.")
    return redirect(f"{reverse('engagements:matter-detail', args=[engagement.matter_id])}#offers")


@login_required
def engagement_terminate(request: HttpRequest, pk: int) -> HttpResponse:
    engagement = selectors.engagement_get_for_client(request.user, pk)  # type: ignore[arg-type]
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            offers.engagement_terminate(
                engagement=engagement,
                by=request.user,  # type: ignore[arg-type]
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            _add_domain_error(form, exc)
        else:
            messages.success(request, "Engagement terminated.")
            return redirect(f"{reverse('engagements:matter-detail', args=[engagement.matter_id])}#offers")
    return render(request, "engagements/engagement_terminate.html", {"engagement": engagement, "form": form})


# --- offers: the lawyer's portal -----------------------------------------------------------------


def _require_lawyer(request: HttpRequest) -> None:
    if not hasattr(request.user, "lawyer_profile"):
        raise Http404("Offers are for lawyers.")


@login_required
def offer_inbox(request: HttpRequest) -> HttpResponse:
    """The offers made to the lawyer: pending first, then the rest, newest first."""
    _require_lawyer(request)
    rows = list(selectors.offers_for_lawyer(request.user)[:200])  # type: ignore[arg-type]
    pending = [o for o in rows if o.status == Offer.Status.PENDING]
    answered = [o for o in rows if o.status != Offer.Status.PENDING]
    return render(request, "engagements/offer_inbox.html", {"pending": pending, "answered": answered})


@login_required
def offer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    offer = selectors.offer_get_for_lawyer(request.user, pk)  # type: ignore[arg-type]
    return render(request, "engagements/offer_detail.html", _offer_context(offer, ReasonForm()))


def _offer_context(offer: Offer, decline_form: forms.Form) -> dict[str, Any]:
    return {
        "offer": offer,
        "matter": offer.seat.matter,
        "show_confidential": not offer.nda_outstanding,
        "decline_form": decline_form,
        "now": timezone.now(),
    }


def _offer_action(request: HttpRequest, pk: int, act: Any, success: str) -> HttpResponse:
    offer = selectors.offer_get_for_lawyer(request.user, pk)  # type: ignore[arg-type]
    try:
        act(offer)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect("engagements:offer-detail", pk=offer.pk)


@login_required
@require_POST
def offer_accept_nda(request: HttpRequest, pk: int) -> HttpResponse:
    return _offer_action(
        request,
        pk,
        lambda offer: offers.offer_accept_nda(offer=offer, by=request.user),  # type: ignore[arg-type]
        "NDA accepted. The confidential details are below.",
    )


@login_required
@require_POST
def offer_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _offer_action(
        request,
        pk,
        lambda offer: offers.offer_accept(offer=offer, by=request.user),  # type: ignore[arg-type]
        "Offer accepted. The engagement has started: welcome aboard.",
    )


@login_required
@require_POST
def offer_decline(request: HttpRequest, pk: int) -> HttpResponse:
    offer = selectors.offer_get_for_lawyer(request.user, pk)  # type: ignore[arg-type]
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            offers.offer_decline(offer=offer, by=request.user, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]
        except DomainError as exc:
            if exc.field == "reason":
                form.add_error("reason", exc.message)
            else:
                messages.error(request, exc.message)
                return redirect("engagements:offer-detail", pk=offer.pk)
        else:
            messages.success(request, "Offer declined. Thank you for letting the client know.")
            return redirect("engagements:offer-detail", pk=offer.pk)
    return render(request, "engagements/offer_detail.html", _offer_context(offer, form), status=400)


@login_required
def lawyer_engagements(request: HttpRequest) -> HttpResponse:
    """The lawyer's engagements, their free capacity over the coming weeks, and earnings to date."""
    _require_lawyer(request)
    overview = selectors.lawyer_engagements_overview(request.user, today=timezone.localdate())  # type: ignore[arg-type]
    return render(request, "engagements/lawyer_engagements.html", {"overview": overview})

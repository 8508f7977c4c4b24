"""The lawyer portal: one profile page, a page per section of the application, documents, submission.

Every lookup starts from a selector scoped to the viewer, so another lawyer or a client gets 404.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from lawyers import selectors, services
from lawyers.forms import FORMSETS, DocumentUploadForm, ProfileBasicsForm
from lawyers.models import BarAdmission, LawyerProfile
from marketplace.errors import DomainError


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    intro: str


SECTIONS: dict[str, Section] = {
    "admissions": Section(
        "admissions",
        "Bar admissions",
        "Each jurisdiction you are admitted in, with the registration number as it appears on the register. "
        "Staff verify each admission; only verified admissions are matched.",
    ),
    "practice-areas": Section(
        "practice_areas", "Practice areas", "The areas you practise, with your years and depth in each."
    ),
    "languages": Section("languages", "Languages", "Languages you can work in."),
    "experience": Section(
        "experiences",
        "Experience",
        "Your roles, including former firms and in-house positions. Leave the end date empty for your "
        "current role. Your seniority is derived from these and your earliest admission.",
    ),
    "unavailability": Section(
        "unavailabilities", "Unavailable dates", "Periods when you cannot take on work (holidays, leave)."
    ),
    "conflicts": Section(
        "declared_conflicts",
        "Declared conflicts",
        "Organisations you cannot act against or for. Matching leaves you out of their matters.",
    ),
}


def _profile_for(request: HttpRequest, pk: int) -> LawyerProfile:
    return get_object_or_404(selectors.lawyer_profiles_visible_to(request.user), pk=pk)


@login_required
def my_profile(request: HttpRequest) -> HttpResponse:
    profile = selectors.lawyer_profile_for_user(request.user)
    if profile is None:
        raise Http404("You do not have a lawyer profile.")
    return redirect("lawyers:profile-detail", pk=profile.pk)


@login_required
def profile_detail(request: HttpRequest, pk: int) -> HttpResponse:
    profile = _profile_for(request, pk)
    overview = selectors.lawyer_profile_overview(profile=profile)
    decided = {LawyerProfile.Status.VETTED, LawyerProfile.Status.REJECTED, LawyerProfile.Status.SUSPENDED}
    latest_decision = next((d for d in overview.decisions if d.to_status in decided), None)
    context = {
        "overview": overview,
        "profile": overview.profile,
        "sections": SECTIONS,
        "latest_decision": latest_decision,
        "can_submit": overview.profile.status in (LawyerProfile.Status.DRAFT, LawyerProfile.Status.REJECTED),
        "is_owner": overview.profile.user_id == request.user.pk,
    }
    return render(request, "lawyers/profile_detail.html", context)


@login_required
def profile_basics(request: HttpRequest, pk: int) -> HttpResponse:
    profile = _profile_for(request, pk)
    form = ProfileBasicsForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.lawyer_profile_update(
                profile=profile,
                by=request.user,
                headline=data["headline"],
                bio=data["bio"],
                hourly_rate=data["hourly_rate"],
                rate_currency=data["rate_currency"],
                weekly_capacity_hours=data["weekly_capacity_hours"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "Basics saved.")
            return redirect("lawyers:profile-detail", pk=profile.pk)
    context = {"profile": profile, "form": form, "title": "Basics"}
    return render(request, "lawyers/basics_form.html", context, status=400 if form.errors else 200)


@login_required
def profile_section(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    profile = _profile_for(request, pk)
    config = SECTIONS.get(section)
    if config is None:
        raise Http404("No such section.")
    formset_class = FORMSETS[config.key]
    queryset = getattr(profile, config.key).all()
    if config.key == "admissions":
        queryset = BarAdmission.objects.filter(profile=profile).select_related("jurisdiction")
    formset = formset_class(request.POST or None, instance=profile, prefix=section, queryset=queryset)
    error = None
    if request.method == "POST" and formset.is_valid():
        saved = formset.save(commit=False)
        try:
            services.lawyer_profile_items_save(
                profile=profile,
                section=config.key,
                saved=saved,
                deleted=formset.deleted_objects,
                by=request.user,
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, f"{config.title} saved.")
            if "add_another" in request.POST:
                return redirect("lawyers:section", pk=profile.pk, section=section)
            return redirect("lawyers:profile-detail", pk=profile.pk)
    invalid = request.method == "POST" and (error is not None or not formset.is_valid())
    context = {"profile": profile, "formset": formset, "section": config, "slug": section, "error": error}
    return render(request, "lawyers/section_form.html", context, status=400 if invalid else 200)


@login_required
def profile_documents(request: HttpRequest, pk: int) -> HttpResponse:
    profile = _profile_for(request, pk)
    form = DocumentUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_upload(
                profile=profile,
                kind=form.cleaned_data["kind"],
                uploaded_file=form.cleaned_data["file"],
                by=request.user,
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "Document uploaded.")
            return redirect("lawyers:documents", pk=profile.pk)
    context = {"profile": profile, "form": form, "documents": profile.documents.all()}
    return render(request, "lawyers/documents.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def document_delete(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    profile = _profile_for(request, pk)
    document = get_object_or_404(
        selectors.lawyer_documents_visible_to(request.user), pk=document_pk, profile=profile
    )
    services.document_delete(document=document, by=request.user)
    messages.success(request, "Document removed.")
    return redirect("lawyers:documents", pk=profile.pk)


@login_required
def document_download(request: HttpRequest, document_pk: int) -> FileResponse:
    document = get_object_or_404(selectors.lawyer_documents_visible_to(request.user), pk=document_pk)
    try:
        stored = document.file.open("rb")
    except OSError as exc:
        raise Http404("The file is no longer available.") from exc
    response = FileResponse(
        stored, as_attachment=True, filename=document.original_filename, content_type=document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def profile_submit(request: HttpRequest, pk: int) -> HttpResponse:
    profile = _profile_for(request, pk)
    try:
        services.lawyer_profile_submit(profile=profile, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Application submitted. The automated checks have been queued.")
    return redirect(reverse("lawyers:profile-detail", kwargs={"pk": profile.pk}))

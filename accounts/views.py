"""Sign-up, email verification, log-in and the client organisation page. Thin: the work is in services."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from accounts import selectors, services
from accounts.context_processors import start_page_url
from accounts.forms import (
    ClientSignupForm,
    EmailAuthenticationForm,
    LawyerSignupForm,
    VerificationResendForm,
    VerifyingSetPasswordForm,
)
from accounts.models import Membership
from marketplace.errors import DomainError

SIGNUP_EMAIL_SESSION_KEY = "accounts:signup-email"


def _site_url(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _add_domain_error(form: forms.Form, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def signup(request: HttpRequest) -> HttpResponse:
    """Choose how to join: as a client member or as a lawyer applicant."""
    if request.user.is_authenticated:
        return redirect("home")
    return render(request, "accounts/signup.html")


def signup_client(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    if request.method == "POST":
        form = ClientSignupForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = services.client_signup(
                    email=data["email"],
                    full_name=data["full_name"],
                    password=data["password"],
                    organisation_name=data["organisation_name"],
                    join_code=data["join_code"],
                    site_url=_site_url(request),
                )
            except DomainError as exc:
                _add_domain_error(form, exc)
            else:
                request.session[SIGNUP_EMAIL_SESSION_KEY] = user.email
                return redirect("accounts:signup-done")
    else:
        # An invitation link from the Organisation page carries the join code.
        join_code = request.GET.get("join_code", "")
        initial = {"organisation_choice": ClientSignupForm.JOIN, "join_code": join_code} if join_code else {}
        form = ClientSignupForm(initial=initial)
    return render(request, "accounts/signup_client.html", {"form": form})


def signup_lawyer(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    if request.method == "POST":
        form = LawyerSignupForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = services.lawyer_signup(
                    email=data["email"],
                    full_name=data["full_name"],
                    password=data["password"],
                    site_url=_site_url(request),
                )
            except DomainError as exc:
                _add_domain_error(form, exc)
            else:
                request.session[SIGNUP_EMAIL_SESSION_KEY] = user.email
                return redirect("accounts:signup-done")
    else:
        form = LawyerSignupForm()
    return render(request, "accounts/signup_lawyer.html", {"form": form})


def signup_done(request: HttpRequest) -> HttpResponse:
    """Tell the new user to open the link we emailed; offer to send it again."""
    email = request.session.get(SIGNUP_EMAIL_SESSION_KEY, "")
    return render(request, "accounts/signup_done.html", {"email": email})


def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user = services.email_verify(token=token)
    except DomainError as exc:
        context = {"error": exc.message, "form": VerificationResendForm()}
        return render(request, "accounts/verify_email_failed.html", context, status=400)
    if request.user.is_authenticated and request.user.pk == user.pk:
        messages.success(request, "Thanks, your email address is confirmed.")
        return redirect(start_page_url(request.user))
    messages.success(request, "Thanks, your email address is confirmed. Please log in.")
    return HttpResponseRedirect(f"{reverse('login')}?{urlencode({'email': user.email})}")


def verification_resend(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = VerificationResendForm(request.POST)
        if form.is_valid():
            services.email_verification_resend(email=form.cleaned_data["email"], site_url=_site_url(request))
            messages.info(
                request,
                "If an account with that address still needs confirming, we have sent a new link to it. "
                "It can take a minute to arrive; check your spam folder too.",
            )
            return redirect("login")
    else:
        form = VerificationResendForm(initial={"email": request.GET.get("email", "")})
    return render(request, "accounts/verification_resend.html", {"form": form})


class LoginView(auth_views.LoginView):
    """Django's log-in with email addresses; lands on the role's start page unless `next` says where."""

    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def get_initial(self) -> dict[str, Any]:
        return {**super().get_initial(), "username": self.request.GET.get("email", "")}

    def get_redirect_url(self) -> str:
        # `next` pointing back at this page would loop (Django raises on that) for a logged-in visitor.
        url = super().get_redirect_url()
        return "" if url == self.request.path else url

    def get_default_redirect_url(self) -> str:
        return start_page_url(self.request.user)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = VerifyingSetPasswordForm


@login_required
def organisation(request: HttpRequest) -> HttpResponse:
    """The viewer's own client organisation: its members and, for the owner, the join code."""
    membership = selectors.membership_of(user=request.user)
    if membership is None:
        raise Http404("You are not a member of a client organisation.")
    is_owner = membership.role == Membership.Role.OWNER
    context: dict[str, Any] = {
        "organisation": membership.organisation,
        "members": selectors.organisation_members(membership=membership),
        "is_owner": is_owner,
    }
    if is_owner:
        query = urlencode({"join_code": membership.organisation.join_code})
        context["invite_url"] = request.build_absolute_uri(f"{reverse('accounts:signup-client')}?{query}")
    return render(request, "accounts/organisation.html", context)


@login_required
@require_POST
def organisation_join_code_regenerate(request: HttpRequest) -> HttpResponse:
    membership = selectors.membership_of(user=request.user)
    if membership is None:
        raise Http404("You are not a member of a client organisation.")
    try:
        services.organisation_join_code_regenerate(organisation=membership.organisation, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "New join code created. The old code no longer works.")
    return redirect("accounts:organisation")

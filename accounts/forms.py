"""Forms for sign-up, log-in, verification resends, password resets and the admin's user pages.

Forms check input and give every error a place next to its field; the writes happen in services.
"""

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import (
    AdminUserCreationForm,
    AuthenticationForm,
    SetPasswordForm,
    UserChangeForm,
    UsernameField,
)
from django.core.exceptions import ValidationError

from accounts import selectors, services
from accounts.models import User


class SignupForm(forms.Form):
    """Who you are and the password you will log in with; shared by both kinds of sign-up."""

    full_name = forms.CharField(
        label="Full name", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label="Email address",
        help_text="You log in with this address; we send a link to confirm it.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password_confirm = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self) -> str:
        email = selectors.email_normalise(self.cleaned_data["email"])
        if selectors.email_is_registered(email=email):
            raise ValidationError(
                "An account with this email address already exists. Log in or reset your password.",
                code="email_taken",
            )
        return email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        password, confirm = cleaned.get("password"), cleaned.get("password_confirm")
        if password and confirm and password != confirm:
            self.add_error("password_confirm", "The two passwords don't match.")
        if password and "password" not in self.errors:
            candidate = User(email=cleaned.get("email") or "", full_name=cleaned.get("full_name") or "")
            try:
                password_validation.validate_password(password, candidate)
            except ValidationError as exc:
                self.add_error("password", exc)
        return cleaned


class ClientSignupForm(SignupForm):
    CREATE, JOIN = "create", "join"

    organisation_choice = forms.ChoiceField(
        label="Your organisation",
        choices=[
            (CREATE, "Register a new organisation (you become its owner)"),
            (JOIN, "Join my organisation with the join code a colleague gave me"),
        ],
        initial=CREATE,
        widget=forms.RadioSelect,
    )
    organisation_name = forms.CharField(
        label="Organisation name",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    join_code = forms.CharField(
        label="Join code",
        max_length=40,
        required=False,
        help_text="The owner of your organisation finds it on their Organisation page.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    field_order = [
        "full_name",
        "email",
        "password",
        "password_confirm",
        "organisation_choice",
        "organisation_name",
        "join_code",
    ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        choice = cleaned.get("organisation_choice")
        if choice == self.CREATE:
            cleaned["join_code"] = ""
            name = cleaned.get("organisation_name", "").strip()
            if not name:
                self.add_error("organisation_name", "Enter your organisation's name.")
            elif selectors.organisation_name_is_taken(name=name):
                self.add_error(
                    "organisation_name",
                    "An organisation with this name is already registered. "
                    "Ask a colleague there for its join code.",
                )
        elif choice == self.JOIN:
            cleaned["organisation_name"] = ""
            code = cleaned.get("join_code", "").strip()
            if not code:
                self.add_error("join_code", "Enter the join code a colleague gave you.")
            elif selectors.organisation_by_join_code(join_code=code) is None:
                self.add_error(
                    "join_code",
                    "No organisation has this join code. Check it with the colleague who sent it.",
                )
        return cleaned


class LawyerSignupForm(SignupForm):
    pass


class EmailAuthenticationForm(AuthenticationForm):
    """Log in by email address; refuses accounts whose address is not verified yet.

    Django's form passes the request to `authenticate`, which django-axes needs to throttle.
    """

    username = UsernameField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That email address and password don't match an account. Check them, "
        "or reset your password.",
        "unverified": "Please confirm your email address first: open the link we emailed you when you "
        "signed up.",
    }

    def __init__(self, request: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "Email address"
        self.unverified_email = ""

    def clean_username(self) -> str:
        return selectors.email_normalise(self.cleaned_data.get("username") or "")

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not user.email_verified:
            self.unverified_email = user.email
            raise ValidationError(self.error_messages["unverified"], code="unverified")


class VerificationResendForm(forms.Form):
    email = forms.EmailField(label="Email address", widget=forms.EmailInput(attrs={"autocomplete": "email"}))


class VerifyingSetPasswordForm(SetPasswordForm):
    """Setting a new password from an emailed reset link also proves the address is the user's."""

    def save(self, commit: bool = True) -> Any:
        user = super().save(commit=commit)
        if commit:
            services.email_mark_verified(user=user)
        return user


class UserAdminCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")

    def clean_email(self) -> str:
        email = selectors.email_normalise(self.cleaned_data["email"])
        if selectors.email_is_registered(email=email):
            raise ValidationError("A user with this email address already exists.", code="unique")
        return email


class UserAdminChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean_email(self) -> str:
        email = selectors.email_normalise(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise ValidationError("A user with this email address already exists.", code="unique")
        return email

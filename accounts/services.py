"""Writes for accounts: sign-up (client member or lawyer applicant), email verification, join codes.

Every function is keyword-only, runs in one transaction, and raises `DomainError` (with `field` set
to the input at fault where there is one) when it refuses. Emails go out only after the commit.
"""

import logging
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import ClientOrganisation, Membership, User
from accounts.selectors import (
    email_is_registered,
    email_normalise,
    organisation_by_join_code,
    organisation_name_is_taken,
)
from marketplace.errors import DomainError

logger = logging.getLogger(__name__)

# No 0/O, 1/I/L: codes are read aloud and typed from emails.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 12
EMAIL_VERIFICATION_SALT = "accounts.email-verification"
# A resend is honoured at most once a minute per account, so the form cannot flood an inbox.
EMAIL_VERIFICATION_RESEND_INTERVAL = 60


def join_code_generate() -> str:
    """A fresh random join code that no organisation uses yet."""
    while True:
        code = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))
        if not ClientOrganisation.objects.filter(join_code=code).exists():
            return code


def _password_validate(*, password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), code="weak_password", field="password") from exc


def _user_create(*, email: str, full_name: str, password: str) -> User:
    """Create an active, not yet verified user. Raises DomainError for a taken address or weak password."""
    email = email_normalise(email)
    full_name = full_name.strip()
    if not email:
        raise DomainError("Enter your email address.", code="required", field="email")
    if not full_name:
        raise DomainError("Enter your full name.", code="required", field="full_name")
    if email_is_registered(email=email):
        raise DomainError(
            "An account with this email address already exists. Log in or reset your password.",
            code="email_taken",
            field="email",
        )
    user = User(email=email, full_name=full_name)
    _password_validate(password=password, user=user)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # a concurrent sign-up with the same address won the race
        raise DomainError(
            "An account with this email address already exists. Log in or reset your password.",
            code="email_taken",
            field="email",
        ) from exc
    return user


def _organisation_slug(name: str) -> str:
    base = slugify(name)[:200] or "organisation"
    slug, n = base, 1
    while ClientOrganisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def organisation_create(*, name: str, owner: User) -> ClientOrganisation:
    """Create a client organisation with `owner` as its owner and a fresh join code.

    Raises DomainError (field `organisation_name`) when the name is empty or already registered.
    """
    name = " ".join(name.split())
    if not name:
        raise DomainError("Enter your organisation's name.", code="required", field="organisation_name")
    taken = DomainError(
        "An organisation with this name is already registered. Ask a colleague there for its join code.",
        code="organisation_taken",
        field="organisation_name",
    )
    if organisation_name_is_taken(name=name):
        raise taken
    try:
        with transaction.atomic():
            organisation = ClientOrganisation.objects.create(
                name=name, slug=_organisation_slug(name), join_code=join_code_generate()
            )
    except IntegrityError as exc:
        raise taken from exc
    Membership.objects.create(organisation=organisation, user=owner, role=Membership.Role.OWNER)
    return organisation


@transaction.atomic
def client_signup(
    *,
    email: str,
    full_name: str,
    password: str,
    site_url: str,
    organisation_name: str = "",
    join_code: str = "",
) -> User:
    """Sign up a client member: create a new organisation (as its owner) or join one by its code.

    Exactly one of `organisation_name` and `join_code` is given. Sends the verification email after
    commit; links in it start with `site_url` ("https://host"). Raises DomainError, saving nothing.
    """
    if organisation_name.strip() and join_code.strip():
        raise DomainError("Either name a new organisation or enter a join code, not both.", code="choice")
    if not organisation_name.strip() and not join_code.strip():
        raise DomainError("Name your new organisation or enter a join code.", code="choice")
    organisation = None
    if join_code.strip():
        organisation = organisation_by_join_code(join_code=join_code)
        if organisation is None:
            raise DomainError(
                "No organisation has this join code. Check it with the colleague who sent it.",
                code="join_code_unknown",
                field="join_code",
            )
    user = _user_create(email=email, full_name=full_name, password=password)
    if organisation is None:
        organisation_create(name=organisation_name, owner=user)
    else:
        Membership.objects.create(organisation=organisation, user=user, role=Membership.Role.MEMBER)
    email_verification_send(user=user, site_url=site_url)
    return user


@transaction.atomic
def lawyer_signup(*, email: str, full_name: str, password: str, site_url: str) -> User:
    """Sign up a lawyer applicant: the user and an empty (draft) lawyer profile.

    Sends the verification email after commit. Raises DomainError, saving nothing.
    """
    from lawyers.models import LawyerProfile

    user = _user_create(email=email, full_name=full_name, password=password)
    LawyerProfile.objects.create(user=user)
    email_verification_send(user=user, site_url=site_url)
    return user


def email_verification_token(*, user: User) -> str:
    """A signed, timestamped token naming the user and the address being verified."""
    return signing.TimestampSigner(salt=EMAIL_VERIFICATION_SALT).sign_object(
        {"user": user.pk, "email": user.email}
    )


def email_verification_send(*, user: User, site_url: str) -> None:
    """Email `user` a link that verifies their address; sent once the current transaction commits."""
    link = site_url.rstrip("/") + reverse(
        "accounts:verify-email", kwargs={"token": email_verification_token(user=user)}
    )
    context: dict[str, Any] = {
        "user": user,
        "link": link,
        "max_age_days": max(1, settings.EMAIL_VERIFICATION_MAX_AGE // 86400),
    }
    subject = "".join(render_to_string("accounts/email/verification_subject.txt", context).splitlines())
    body = render_to_string("accounts/email/verification_body.txt", context)
    recipient = user.email

    def send() -> None:
        send_mail(subject, body, None, [recipient])

    # robust: a mail server hiccup is logged; the account exists and the user can ask for a resend.
    transaction.on_commit(send, robust=True)


def email_verification_resend(*, email: str, site_url: str) -> None:
    """Send a new verification link if `email` belongs to an active, unverified account.

    Says nothing about whether it did (no account enumeration); at most one resend a minute.
    """
    user = User.objects.filter(
        email__iexact=email_normalise(email), is_active=True, email_verified_at__isnull=True
    ).first()
    if user is None:
        return
    if not cache.add(f"accounts:verification-resend:{user.pk}", 1, EMAIL_VERIFICATION_RESEND_INTERVAL):
        logger.info("verification resend for user %s throttled", user.pk)
        return
    email_verification_send(user=user, site_url=site_url)


def email_mark_verified(*, user: User) -> bool:
    """Record that `user` controls their email address. Returns False if it already was verified."""
    if user.email_verified_at is not None:
        return False
    user.email_verified_at = timezone.now()
    user.save(update_fields=["email_verified_at"])
    return True


@transaction.atomic
def email_verify(*, token: str) -> User:
    """Verify the address named in a token from `email_verification_token`; returns the user.

    Raises DomainError (code `expired`) for a link older than EMAIL_VERIFICATION_MAX_AGE, and
    (code `invalid`) for a tampered link or one for an address the account no longer has.
    """
    signer = signing.TimestampSigner(salt=EMAIL_VERIFICATION_SALT)
    try:
        data = signer.unsign_object(token, max_age=settings.EMAIL_VERIFICATION_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise DomainError(
            "This verification link has expired. Ask for a new one below.", code="expired"
        ) from exc
    except signing.BadSignature as exc:
        raise DomainError(
            "This verification link is not valid. Check you copied the whole link, or ask for a new one.",
            code="invalid",
        ) from exc
    user = (
        User.objects.select_for_update()
        .filter(pk=data.get("user"), email=data.get("email"), is_active=True)
        .first()
        if isinstance(data, dict)
        else None
    )
    if user is None:
        raise DomainError(
            "This verification link is not valid. Check you copied the whole link, or ask for a new one.",
            code="invalid",
        )
    email_mark_verified(user=user)
    return user


@transaction.atomic
def organisation_join_code_regenerate(*, organisation: ClientOrganisation, by: User) -> str:
    """Give `organisation` a new join code (the old one stops working). Only its owner may.

    Raises DomainError when `by` is not the organisation's owner.
    """
    if not Membership.objects.filter(organisation=organisation, user=by, role=Membership.Role.OWNER).exists():
        raise DomainError("Only the organisation's owner can change its join code.", code="not_owner")
    organisation.join_code = join_code_generate()
    organisation.save(update_fields=["join_code"])
    return organisation.join_code

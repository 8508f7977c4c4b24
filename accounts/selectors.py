"""Reads for accounts, scoped to the viewer."""

import re

from django.db.models import Case, IntegerField, QuerySet, Value, When

from accounts.models import ClientOrganisation, Membership, User


def email_normalise(email: str) -> str:
    """The stored form of an email address: trimmed and lower-cased (the login is case-insensitive)."""
    return email.strip().lower()


def join_code_normalise(code: str) -> str:
    """A join code as typed (any case, spaces or dashes between groups) in its stored form."""
    return re.sub(r"[\s-]+", "", code).upper()


def membership_of(*, user: User) -> Membership | None:
    """The viewer's membership of a client organisation (with the organisation), or None."""
    if not user.is_authenticated:
        return None
    return Membership.objects.select_related("organisation").filter(user=user).first()


def organisation_members(*, membership: Membership) -> QuerySet[Membership]:
    """The memberships of the viewer's own organisation, owners first, then by name."""
    return (
        Membership.objects.filter(organisation_id=membership.organisation_id)
        .select_related("user")
        .annotate(
            owner_first=Case(
                When(role=Membership.Role.OWNER, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("owner_first", "user__full_name", "user__email")
    )


def organisation_by_join_code(*, join_code: str) -> ClientOrganisation | None:
    """The organisation a join code (as typed: any case, spaces or dashes) belongs to, or None."""
    code = join_code_normalise(join_code)
    if not code:
        return None
    return ClientOrganisation.objects.filter(join_code__iexact=code).first()


def email_is_registered(*, email: str) -> bool:
    """Whether an account already uses this address (compared case-insensitively)."""
    return User.objects.filter(email__iexact=email_normalise(email)).exists()


def organisation_name_is_taken(*, name: str) -> bool:
    """Whether a client organisation is already registered under this name (case-insensitively)."""
    return ClientOrganisation.objects.filter(name__iexact=" ".join(name.split())).exists()

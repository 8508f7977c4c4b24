"""Reads for the lawyer network, scoped to the viewer: staff see every profile, a lawyer only their own,
clients none (there is no browsable lawyer directory)."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Prefetch, QuerySet, prefetch_related_objects

from accounts.models import User
from lawyers.models import (
    BarAdmission,
    Document,
    LawyerProfile,
    PracticeAreaExperience,
    VettingCheck,
    VettingDecision,
)
from lawyers.vetting import HOW_TO_FIX, profile_missing_items


def lawyer_profile_for_user(user: User | AnonymousUser) -> LawyerProfile | None:
    """The lawyer profile of `user`, or None if they are not a lawyer (or not logged in)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return LawyerProfile.objects.select_related("user").filter(user=user).first()


def lawyer_profiles_visible_to(user: User | AnonymousUser) -> QuerySet[LawyerProfile]:
    """Profiles `user` may see: all for staff, their own for a lawyer, none for anyone else."""
    profiles = LawyerProfile.objects.select_related("user")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return profiles.none()
    if user.is_staff:
        return profiles
    return profiles.filter(user=user)


def lawyer_documents_visible_to(user: User | AnonymousUser) -> QuerySet[Document]:
    """Documents `user` may download: their own profile's, or any for staff."""
    return Document.objects.select_related("profile").filter(
        profile__in=lawyer_profiles_visible_to(user).values("pk")
    )


def lawyers_matchable() -> QuerySet[LawyerProfile]:
    """Vetted (not suspended) profiles with at least one verified bar admission: the only ones matched."""
    verified = BarAdmission.objects.filter(profile=OuterRef("pk"), verified_at__isnull=False)
    return (
        LawyerProfile.objects.filter(status=LawyerProfile.Status.VETTED)
        .filter(Exists(verified))
        .select_related("user")
    )


@dataclass(frozen=True)
class CheckView:
    name: str
    label: str
    result: str
    result_label: str
    detail: str
    how_to_fix: str


@dataclass(frozen=True)
class ProfileOverview:
    """Everything the profile page shows, gathered in a fixed number of queries."""

    profile: LawyerProfile
    missing: list[str]
    checks: list[CheckView]
    decisions: list[VettingDecision]
    admissions: list[BarAdmission]
    documents: list[Document]


def lawyer_profile_overview(*, profile: LawyerProfile) -> ProfileOverview:
    """The profile page: what is missing, check results with what to fix, decisions (newest first)."""
    related = [
        Prefetch("admissions", queryset=BarAdmission.objects.select_related("jurisdiction")),
        Prefetch(
            "practice_areas", queryset=PracticeAreaExperience.objects.select_related("practice_area__parent")
        ),
        "languages",
        "experiences",
        "unavailabilities",
        "declared_conflicts",
        "documents",
        Prefetch("decisions", queryset=VettingDecision.objects.select_related("by")),
    ]
    if LawyerProfile.user.is_cached(profile) and not getattr(profile, "_prefetched_objects_cache", None):
        # Just read with its user (the view's visibility lookup): its lists are added, not read again.
        prefetch_related_objects([profile], *related)
    else:
        profile = LawyerProfile.objects.select_related("user").prefetch_related(*related).get(pk=profile.pk)
    checks = [
        CheckView(
            name=check.name,
            label=check.get_name_display(),
            result=check.result,
            result_label=check.get_result_display(),
            detail=check.detail,
            how_to_fix="" if check.result == VettingCheck.Result.PASS else HOW_TO_FIX.get(check.name, ""),
        )
        for check in VettingCheck.objects.filter(profile=profile)
    ]
    return ProfileOverview(
        profile=profile,
        missing=profile_missing_items(profile),
        checks=checks,
        decisions=list(profile.decisions.all()),
        admissions=list(profile.admissions.all()),
        documents=list(profile.documents.all()),
    )

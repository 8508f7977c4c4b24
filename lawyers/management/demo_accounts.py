"""The fixed demo accounts people log in with: two client organisations, a vetted lawyer and staff.

They are made through the same services as real sign-ups, applications and vetting decisions (there
are five of them, so speed does not matter), and only ever created once: an account that exists is
left as it is, except a demo lawyer whose vetting an interrupted run did not finish.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import ClientOrganisation, Membership, User
from accounts.services import organisation_create
from jurisdictions.models import Jurisdiction, PracticeArea
from lawyers import services
from lawyers.management.demo import number_space, registration_number
from lawyers.models import (
    BarAdmission,
    DeclaredConflict,
    Document,
    Experience,
    LanguageSkill,
    LawyerProfile,
    PracticeAreaExperience,
    Unavailability,
)
from marketplace.errors import ConflictError

DEMO_PASSWORD = "demo-password-1"

# The smallest PDF that readers (and `lawyers.uploads.detect_document_type`) accept.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@dataclass(frozen=True)
class DemoAccount:
    email: str
    full_name: str
    what: str
    organisation: str = ""
    role: str = ""


CLIENT = DemoAccount(
    "client@demo.test",
    "Casey Morgan",
    "client, owner of Acme Holdings",
    "Acme Holdings",
    Membership.Role.OWNER,
)
COLLEAGUE = DemoAccount(
    "colleague@demo.test",
    "Jordan Blake",
    "client, member of Acme Holdings",
    "Acme Holdings",
    Membership.Role.MEMBER,
)
GLOBEX = DemoAccount(
    "globex@demo.test",
    "Riley Chen",
    "client, owner of Globex Corporation (another tenant)",
    "Globex Corporation",
    Membership.Role.OWNER,
)
LAWYER = DemoAccount(
    "lawyer@demo.test", "Alex Sinclair", "lawyer, vetted, admitted in New York and England (M&A, PE)"
)
STAFF = DemoAccount("staff@demo.test", "Sam Taylor", "talent team (staff and superuser): /admin/")
DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (CLIENT, COLLEAGUE, GLOBEX, LAWYER, STAFF)
# Where a run that stopped part-way (a crash, the broker down) can leave the demo lawyer. A rejected or
# suspended demo lawyer is someone's demo of those decisions, and stays as it is.
_UNFINISHED = frozenset(
    {LawyerProfile.Status.DRAFT, LawyerProfile.Status.APPLIED, LawyerProfile.Status.IN_REVIEW}
)


def demo_accounts_existing() -> set[str]:
    """Emails of the demo accounts already in the database; one query."""
    return set(
        User.objects.filter(email__in=[a.email for a in DEMO_ACCOUNTS]).values_list("email", flat=True)
    )


def demo_accounts_ensure(*, today: dt.date | None = None) -> tuple[User, list[DemoAccount]]:
    """Create whichever demo accounts are missing. Returns the staff user and the accounts created."""
    existing = demo_accounts_existing()
    created: list[DemoAccount] = []
    if STAFF.email not in existing:
        User.objects.create_superuser(
            email=STAFF.email,
            password=DEMO_PASSWORD,
            full_name=STAFF.full_name,
            email_verified_at=timezone.now(),
        )
        created.append(STAFF)
    staff = User.objects.get(email=STAFF.email)
    for account in (CLIENT, COLLEAGUE, GLOBEX):
        if account.email not in existing:
            _client_create(account)
            created.append(account)
    if LAWYER.email not in existing:
        profile = _lawyer_create(LAWYER, today=today or timezone.localdate())
        created.append(LAWYER)
    else:
        profile = LawyerProfile.objects.select_related("user").get(user__email=LAWYER.email)
    if profile.status in _UNFINISHED:  # new, or a run stopped half-way through vetting
        _lawyer_vet(profile, staff=staff)
    return staff, created


def _user_create(account: DemoAccount) -> User:
    return User.objects.create_user(
        email=account.email,
        password=DEMO_PASSWORD,
        full_name=account.full_name,
        email_verified_at=timezone.now(),
    )


@transaction.atomic
def _client_create(account: DemoAccount) -> None:
    user = _user_create(account)
    organisation = ClientOrganisation.objects.filter(name=account.organisation).first()
    if organisation is None:
        organisation_create(name=account.organisation, owner=user)
        return
    role = account.role
    if role == Membership.Role.OWNER and organisation.memberships.filter(role=Membership.Role.OWNER).exists():
        role = Membership.Role.MEMBER
    Membership.objects.create(organisation=organisation, user=user, role=role)


@transaction.atomic
def _lawyer_create(account: DemoAccount, *, today: dt.date) -> LawyerProfile:
    """Sign up and fill in the demo lawyer's application through the services, all or nothing."""
    user = _user_create(account)
    profile = LawyerProfile.objects.create(user=user)
    services.lawyer_profile_update(
        profile=profile,
        by=user,
        headline="M&A and private equity counsel, New York and England",
        bio=(
            "Cross-border M&A and private equity lawyer admitted in New York and in England and Wales. "
            "Fourteen years on public and private deals, most recently as counsel on the buy side."
        ),
        hourly_rate=Decimal("650.00"),
        rate_currency="USD",
        weekly_capacity_hours=30,
    )
    year = today.year
    new_york = Jurisdiction.objects.get(code="US-NY")
    england = Jurisdiction.objects.get(code="GB-ENG")
    # The last number of each space: generated lawyers (index < MAX_DEMO_LAWYERS) never get it.
    admissions = [
        BarAdmission(
            jurisdiction=new_york,
            registration_number=registration_number("US-NY", number_space("US-NY") - 1, year - 14),
            year_admitted=year - 14,
        ),
        BarAdmission(
            jurisdiction=england,
            registration_number=registration_number("GB-ENG", number_space("GB-ENG") - 1, year - 11),
            year_admitted=year - 11,
        ),
    ]
    areas = {
        area.slug: area
        for area in PracticeArea.objects.filter(
            slug__in=["m-and-a", "private-equity", "corporate-governance"]
        )
    }
    sections: dict[str, list] = {
        "admissions": admissions,
        "practice_areas": [
            PracticeAreaExperience(
                practice_area=areas["m-and-a"],
                years=14,
                proficiency=PracticeAreaExperience.Proficiency.LEADING,
            ),
            PracticeAreaExperience(
                practice_area=areas["private-equity"],
                years=9,
                proficiency=PracticeAreaExperience.Proficiency.EXPERT,
            ),
            PracticeAreaExperience(
                practice_area=areas["corporate-governance"],
                years=6,
                proficiency=PracticeAreaExperience.Proficiency.EXPERIENCED,
            ),
        ],
        "languages": [
            LanguageSkill(code="en", level=LanguageSkill.Level.NATIVE),
            LanguageSkill(code="fr", level=LanguageSkill.Level.FLUENT),
            LanguageSkill(code="de", level=LanguageSkill.Level.WORKING),
        ],
        "experiences": [
            Experience(
                organisation="Hartwell & Crane LLP",
                role="Associate",
                kind=Experience.Kind.LAW_FIRM,
                start_date=dt.date(year - 14, 9, 1),
                end_date=dt.date(year - 9, 8, 31),
            ),
            Experience(
                organisation="Marlowe Pryce LLP",
                role="Senior Associate",
                kind=Experience.Kind.LAW_FIRM,
                start_date=dt.date(year - 9, 9, 1),
                end_date=dt.date(year - 4, 12, 31),
            ),
            Experience(
                organisation="Marlowe Pryce LLP",
                role="Counsel",
                kind=Experience.Kind.LAW_FIRM,
                start_date=dt.date(year - 3, 1, 1),
                end_date=None,
            ),
        ],
        "unavailabilities": [
            Unavailability(
                start=today + dt.timedelta(days=45), end=today + dt.timedelta(days=59), reason="Annual leave"
            ),
        ],
        "declared_conflicts": [DeclaredConflict(organisation="Initech", note="Former client")],
    }
    for section, items in sections.items():
        services.lawyer_profile_items_save(profile=profile, section=section, saved=items, deleted=[], by=user)
    for kind, filename in (
        (Document.Kind.CV, "alex-sinclair-cv.pdf"),
        (Document.Kind.BAR_CERTIFICATE, "certificate.pdf"),
    ):
        services.document_upload(
            profile=profile, kind=kind, uploaded_file=ContentFile(DEMO_PDF, name=filename), by=user
        )
    return profile


def _lawyer_vet(profile: LawyerProfile, *, staff: User) -> None:
    """Take the demo application from wherever it is to vetted, as the lawyer and the talent team would.

    The checks run as jobs after each commit (in-process without a broker); staff take the profile
    into review themselves if the checks have not yet, verify both admissions and approve.
    """
    Status = LawyerProfile.Status
    if profile.status == Status.DRAFT:
        services.lawyer_profile_submit(profile=profile, by=profile.user)
        profile.refresh_from_db()
    if profile.status == Status.APPLIED:  # the checks have not moved it on (yet)
        try:
            services.lawyer_profile_start_review(profile=profile, by=staff)
        except ConflictError:  # a worker's checks moved it to review in the meantime
            profile.refresh_from_db()
    for admission in profile.admissions.all():
        services.bar_admission_verify(admission=admission, by=staff)
    if profile.status == Status.IN_REVIEW:
        services.lawyer_profile_approve(
            profile=profile, by=staff, reason="Demo account: checks passed, both admissions verified."
        )

"""One small world for the tenancy matrix (tests/test_tenancy_matrix.py): two client organisations,
lawyers with and without an offer, staff, and one of every object a route can be asked about.

Built through the services and the shared factories, as the product would build it:

- organisation A ("Acme Holdings"): an owner and a colleague.
  - matter ALPHA: posted, matched, with confidential details. Its seat is offered to the lawyer with
    an offer (NDA *not* accepted) and to a rival candidate; the third shortlisted lawyer (the lawyer
    without an offer) has none.
  - matter BRAVO: posted, matched and staffed: the lawyer with an offer accepted its seat (NDA first),
    and logged time the client has yet to review.
  - matter CHARLIE: the same lawyer's engagement, completed and rated by the owner.
  - its own SLA targets, set by the owner.
- organisation B ("Globex Corporation"): the outsider, owner of matter GLOBEX (posted).
- staff (the talent team).
- every persona has one notification; the lawyer with an offer has a document, an admission and an
  unavailable period of their own.

Distinctive markers stand in for each piece of data, so a response body can be searched for what its
viewer must not see.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from accounts.models import ClientOrganisation, Membership, User
from engagements import delivery, offers, sla
from engagements.models import Engagement, Matter, Offer, Rating, Seat, TimeEntry
from lawyers.models import Document, LawyerProfile, Unavailability
from notifications.models import Notification
from notifications.services import notify
from tests import factories
from tests import factories_delivery as fd
from tests import factories_engagements as fe
from tests import factories_lawyers as fl

PERSONAS = ("anon", "owner", "colleague", "outsider", "lawyer_offer", "lawyer_none", "staff")

ORG_A = "Acme Holdings"
ORG_B = "Globex Corporation"

ALPHA_TITLE = "Matter ALPHA-TITLE-Q7X"
ALPHA_SECRET = "SECRET-CONFIDENTIAL-XYZ"
BRAVO_TITLE = "Matter BRAVO-TITLE-K2W"
BRAVO_SECRET = "BRAVO-CONFIDENTIAL-J4P"
CHARLIE_TITLE = "Matter CHARLIE-TITLE-H8D"
RATING_COMMENT = "RATING-COMMENT-Z5N"
GLOBEX_TITLE = "Matter GLOBEX-TITLE-M9R"
GLOBEX_SECRET = "GLOBEX-CONFIDENTIAL-V3T"

LAWYER_OFFER_NAME = "Lucinda Offerwell"
RIVAL_NAME = "Rupert Rivalcandidate"
LAWYER_NONE_NAME = "Nadia Nooffer"
# Members' addresses are at acme.test (A) and globex.test (B); every network lawyer's at lawyers.test.
ORG_A_EMAILS = "@acme.test"
ORG_B_EMAILS = "@globex.test"
LAWYER_EMAILS = "@lawyers.test"


@dataclass
class Scenario:
    """Everything the routes are asked about; `users` maps each persona to its user (None: anonymous)."""

    users: dict[str, User | None]
    organisation_a: ClientOrganisation
    organisation_b: ClientOrganisation
    alpha: Matter
    alpha_seat: Seat
    bravo: Matter
    bravo_seat: Seat
    globex: Matter
    lawyer_offer: LawyerProfile
    lawyer_none: LawyerProfile
    rival: LawyerProfile
    offer: Offer
    rival_offer: Offer
    engagement: Engagement
    time_entry: TimeEntry
    completed_engagement: Engagement
    rating: Rating
    document: Document
    admission_id: int
    unavailability: Unavailability
    notifications: dict[str, Notification]
    media_root: str = ""

    def user(self, persona: str) -> User | None:
        return self.users[persona]


def _notification_for(user: User, persona: str) -> Notification:
    (notification,) = notify(
        recipients=[user],
        kind="tenancy.probe",
        title=f"Probe notification for {persona}",
        body="Only its recipient may see this.",
        url="/notifications/",
        dedupe_key=f"tenancy-probe:{persona}",
        email=False,
    )
    return notification


def build() -> Scenario:
    """The world above, in the current transaction (the caller decides whether it is kept)."""
    organisation_a = factories.ClientOrganisationFactory(name=ORG_A)
    owner = factories.ClientMemberFactory(
        organisation=organisation_a,
        role=Membership.Role.OWNER,
        email=f"owner{ORG_A_EMAILS}",
        full_name="Olive Owner",
    )
    colleague = factories.ClientMemberFactory(
        organisation=organisation_a,
        role=Membership.Role.MEMBER,
        email=f"colleague{ORG_A_EMAILS}",
        full_name="Colin Colleague",
    )
    organisation_b = factories.ClientOrganisationFactory(name=ORG_B)
    outsider = factories.ClientMemberFactory(
        organisation=organisation_b,
        role=Membership.Role.OWNER,
        email=f"outsider{ORG_B_EMAILS}",
        full_name="Otto Outsider",
    )
    staff = factories.StaffUserFactory(email="staff@counsel.test", full_name="Stella Staff")

    # ALPHA: posted and matched; its one seat goes to the lawyer with an offer and a rival, not to
    # the third shortlisted lawyer.
    alpha, _run, ranked = fe.posted_and_matched(
        owner,
        names=(LAWYER_OFFER_NAME, RIVAL_NAME, LAWYER_NONE_NAME),
        title=ALPHA_TITLE,
        confidential_details=ALPHA_SECRET,
    )
    by_name = {profile.user.full_name: profile for profile in ranked}
    lawyer_offer, rival, lawyer_none = (by_name[n] for n in (LAWYER_OFFER_NAME, RIVAL_NAME, LAWYER_NONE_NAME))
    alpha_seat = fe.seats_of(alpha)[0]
    offer = fe.send_offer(seat=alpha_seat, lawyer=lawyer_offer, by=owner)
    rival_offer = fe.send_offer(seat=alpha_seat, lawyer=rival, by=colleague)
    assert offer.nda_required and offer.nda_accepted_at is None

    # BRAVO: running now, staffed by the lawyer with an offer, with time waiting for review.
    bravo = fd.posted_matter(by=owner, title=BRAVO_TITLE, confidential_details=BRAVO_SECRET)
    fe.run_matching(bravo)
    bravo_seat = fe.seats_of(bravo)[0]
    engagement = fe.accepted(seat=bravo_seat, lawyer=lawyer_offer, by=owner)
    time_entry = delivery.time_entry_log(
        engagement=engagement,
        by=lawyer_offer.user,
        work_date=max(engagement.start_date, timezone.localdate() - dt.timedelta(days=1)),
        hours=Decimal("2"),
        description="Reviewed the processing records",
    )

    # CHARLIE: the same lawyer's engagement, completed and rated.
    charlie = fd.posted_matter(by=owner, title=CHARLIE_TITLE)
    fe.run_matching(charlie)
    completed = fe.accepted(seat=fe.seats_of(charlie)[0], lawyer=lawyer_offer, by=owner)
    completed = offers.engagement_complete(engagement=completed, by=owner)
    rating = delivery.engagement_rate(engagement=completed, by=owner, score=4, comment=RATING_COMMENT)

    # GLOBEX: the other organisation's own matter.
    globex = fd.posted_matter(by=outsider, title=GLOBEX_TITLE, confidential_details=GLOBEX_SECRET)

    sla.sla_target_set(
        organisation=organisation_a,
        by=owner,
        hours_to_shortlist=24,
        hours_to_staff=120,
        hours_to_answer_offer=48,
    )

    document = fl.DocumentFactory(profile=lawyer_offer)
    unavailability = Unavailability.objects.create(
        profile=lawyer_offer, start=dt.date(2031, 1, 5), end=dt.date(2031, 1, 9), reason="Holiday"
    )
    admission_id = lawyer_offer.admissions.values_list("pk", flat=True).get()

    users: dict[str, User | None] = {
        "anon": None,
        "owner": owner,
        "colleague": colleague,
        "outsider": outsider,
        "lawyer_offer": lawyer_offer.user,
        "lawyer_none": lawyer_none.user,
        "staff": staff,
    }
    notifications = {
        persona: _notification_for(user, persona) for persona, user in users.items() if user is not None
    }
    return Scenario(
        users=users,
        organisation_a=organisation_a,
        organisation_b=organisation_b,
        alpha=alpha,
        alpha_seat=alpha_seat,
        bravo=bravo,
        bravo_seat=bravo_seat,
        globex=globex,
        lawyer_offer=lawyer_offer,
        lawyer_none=lawyer_none,
        rival=rival,
        offer=offer,
        rival_offer=rival_offer,
        engagement=engagement,
        time_entry=time_entry,
        completed_engagement=completed,
        rating=rating,
        document=document,
        admission_id=admission_id,
        unavailability=unavailability,
        notifications=notifications,
    )


def forbidden_text(persona: str) -> list[str]:
    """What a response body shown to `persona` must never contain (staff may see everything)."""
    organisation_a = [
        ORG_A,
        ORG_A_EMAILS,
        ALPHA_TITLE,
        ALPHA_SECRET,
        BRAVO_TITLE,
        BRAVO_SECRET,
        CHARLIE_TITLE,
        RATING_COMMENT,
    ]
    organisation_b = [ORG_B, ORG_B_EMAILS, GLOBEX_TITLE, GLOBEX_SECRET]
    lawyers = [LAWYER_OFFER_NAME, RIVAL_NAME, LAWYER_NONE_NAME, LAWYER_EMAILS]
    return {
        # Logged out: no one's data at all.
        "anon": [*organisation_a, *organisation_b, *lawyers],
        # Organisation A's members: never the other organisation's; lawyers without contact details.
        "owner": [*organisation_b, LAWYER_EMAILS],
        "colleague": [*organisation_b, LAWYER_EMAILS],
        # The outsider: nothing of organisation A, nor of the lawyers on its matters.
        "outsider": [*organisation_a, *lawyers],
        # The lawyer with an offer on ALPHA (NDA outstanding), engaged on BRAVO and CHARLIE: not
        # ALPHA's confidential details, no other candidate, not the other organisation, no client
        # member's address.
        "lawyer_offer": [ALPHA_SECRET, *organisation_b, RIVAL_NAME, LAWYER_NONE_NAME, ORG_A_EMAILS],
        # Shortlisted for ALPHA but offered nothing: no matter, no client, no other lawyer.
        "lawyer_none": [*organisation_a, *organisation_b, LAWYER_OFFER_NAME, RIVAL_NAME],
        "staff": [],
    }[persona]

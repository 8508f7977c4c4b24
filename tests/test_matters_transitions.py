"""Matter transitions: post (draft → open) and cancel (draft/open → cancelled); illegal moves refused."""

import pytest

from engagements import services
from engagements.models import Matter
from marketplace.errors import ConflictError, DomainError
from tests import factories_engagements as fe

pytestmark = pytest.mark.django_db


def test_post_opens_a_draft(client_owner):
    matter = fe.matter(by=client_owner)
    posted = services.matter_post(matter=matter, by=client_owner)
    assert posted.status == Matter.Status.OPEN and posted.posted_at is not None


def test_posting_twice_is_refused(client_owner):
    matter = fe.matter(by=client_owner, post=True)
    with pytest.raises(ConflictError, match="Only a draft can be posted; this matter is open"):
        services.matter_post(matter=matter, by=client_owner)


def test_posting_a_stale_copy_sees_the_current_state(client_owner):
    # given a copy loaded before someone else posted the matter
    matter = fe.matter(by=client_owner)
    stale = Matter.objects.get(pk=matter.pk)
    services.matter_post(matter=matter, by=client_owner)
    # when / then: the service locks and re-reads the row instead of trusting the copy
    with pytest.raises(ConflictError):
        services.matter_post(matter=stale, by=client_owner)


@pytest.mark.parametrize("post", [False, True])
def test_cancel_a_draft_or_open_matter_with_a_reason(client_owner, post):
    matter = fe.matter(by=client_owner, post=post)
    cancelled = services.matter_cancel(matter=matter, by=client_owner, reason="Settled out of court")
    assert cancelled.status == Matter.Status.CANCELLED
    assert cancelled.cancel_reason == "Settled out of court"
    assert cancelled.cancelled_at is not None


def test_cancel_needs_a_reason(client_owner):
    matter = fe.matter(by=client_owner)
    with pytest.raises(DomainError, match="Say why") as refused:
        services.matter_cancel(matter=matter, by=client_owner, reason="  ")
    assert refused.value.field == "reason"
    matter.refresh_from_db()
    assert matter.status == Matter.Status.DRAFT


def test_cancelled_matter_cannot_be_posted_cancelled_or_edited(client_owner):
    matter = fe.matter(by=client_owner)
    services.matter_cancel(matter=matter, by=client_owner, reason="No longer needed")
    with pytest.raises(ConflictError):
        services.matter_post(matter=matter, by=client_owner)
    with pytest.raises(ConflictError, match="cannot be cancelled"):
        services.matter_cancel(matter=matter, by=client_owner, reason="Again")
    with pytest.raises(ConflictError, match="can no longer be edited"):
        services.matter_update(
            matter=matter, by=client_owner, data=fe.matter_input(), seats=[fe.seat_input()]
        )


def test_staffed_matter_cannot_be_cancelled(client_owner):
    matter = fe.matter(by=client_owner, post=True)
    Matter.objects.filter(pk=matter.pk).update(status=Matter.Status.STAFFED)
    with pytest.raises(ConflictError, match="staffed and cannot be cancelled"):
        services.matter_cancel(matter=matter, by=client_owner, reason="Too late")

"""The hand-written `to_representation` of the busiest outputs gives exactly what DRF's generic
walk over their declared fields gives."""

from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework import serializers

from engagements import api, selectors
from engagements.models import Matter
from tests import factories_engagements as fe

pytestmark = pytest.mark.django_db


def _generic(serializer, instance):
    return serializers.Serializer.to_representation(serializer, instance)


def test_matter_and_seat_output_match_the_declared_fields(client_owner):
    fe.matter(by=client_owner, post=True)
    fe.matter(by=client_owner, rate_cap=None, budget_total=None, required_languages=[], counterparties=[])
    cancelled = fe.matter(by=client_owner, title="Gone", counterparties=["A", "B"])
    Matter.objects.filter(pk=cancelled.pk).update(
        status=Matter.Status.CANCELLED, cancelled_at=timezone.now(), cancel_reason="No longer needed"
    )
    Matter.objects.filter(pk=cancelled.pk).update(rate_cap=Decimal("123.4"))
    matters = list(selectors.matter_api_list_for_user(client_owner))
    assert len(matters) == 3
    for matter in matters:
        output = api.MatterOutputSerializer()
        assert output.to_representation(matter) == _generic(output, matter)
        assert list(output.to_representation(matter)) == list(_generic(output, matter))
        for seat in matter.seats.all():
            seat_output = api.SeatOutputSerializer()
            assert seat_output.to_representation(seat) == _generic(seat_output, seat)
            assert list(seat_output.to_representation(seat)) == list(_generic(seat_output, seat))


def test_the_lawyers_offer_list_discloses_per_offer_as_one_offer_alone(client_owner):
    from engagements import offers

    matter, _run, (ada, *_) = fe.posted_and_matched(
        client_owner,
        seats=[fe.seat_input(label="Lead", hours="20"), fe.seat_input(label="Second", hours="10")],
    )
    first, second = fe.seats_of(matter)
    disclosed = fe.send_offer(seat=first, lawyer=ada, by=client_owner)
    hidden = fe.send_offer(seat=second, lawyer=ada, by=client_owner)
    offers.offer_accept_nda(offer=disclosed, by=ada.user)
    listed = api.LawyerOfferOutputSerializer(selectors.offers_for_lawyer(ada.user), many=True).data
    alone = {
        o.pk: api.LawyerOfferOutputSerializer(selectors.offer_get_for_lawyer(ada.user, o.pk)).data
        for o in (disclosed, hidden)
    }
    assert {item["id"]: item for item in listed} == alone
    by_id = {item["id"]: item["matter"] for item in listed}
    assert by_id[disclosed.pk]["client"] == "Acme Holdings" and by_id[disclosed.pk]["confidential_details"]
    assert by_id[hidden.pk]["client"] is None and by_id[hidden.pk]["confidential_details"] is None

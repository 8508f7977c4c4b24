"""Posting a matter: what is accepted, what is refused with which message, and that nothing half-saves."""

from decimal import Decimal

import pytest

from engagements import services
from engagements.models import Matter, Seat
from marketplace.errors import DomainError
from tests import factories_engagements as fe

pytestmark = pytest.mark.django_db


def test_client_creates_a_draft_with_seats(client_owner):
    # when
    matter = fe.matter(by=client_owner)
    # then
    assert matter.status == Matter.Status.DRAFT
    assert matter.organisation == client_owner.membership.organisation
    assert matter.created_by == client_owner
    assert [s.label for s in fe.seats_of(matter)] == ["Lead", "Associate"]
    assert matter.counterparties == ["Initech Pte. Ltd."]
    assert matter.counterparties_normalised == ["initech pte ltd"]


def test_several_seats_may_share_a_jurisdiction(client_owner):
    matter = fe.matter(by=client_owner, seats=[fe.seat_input(code="SG") for _ in range(3)])
    assert {s.jurisdiction.code for s in fe.seats_of(matter)} == {"SG"}
    assert matter.seats.count() == 3


def test_posting_at_creation_opens_the_matter(client_owner):
    matter = fe.matter(by=client_owner, post=True)
    assert matter.status == Matter.Status.OPEN
    assert matter.posted_at is not None


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"end_date": fe.START.replace(month=1)}, "end_date", "end date must be on or after the start"),
        ({"currency": "XYZ"}, "currency", "XYZ is not an ISO 4217 currency code"),
        ({"currency": "MNT"}, "currency", "no exchange rate for MNT"),
        ({"rate_cap": Decimal("-5")}, "rate_cap", "rate cap must be more than zero"),
        ({"budget_total": Decimal("0")}, "budget_total", "budget must be more than zero"),
        ({"required_languages": ["en", "xx"]}, "required_languages", "Not ISO 639-1 language codes: xx"),
        ({"title": "  "}, "title", "title"),
    ],
)
def test_invalid_matter_is_refused_with_a_clear_message(client_owner, overrides, field, message):
    from jurisdictions.models import ExchangeRate

    ExchangeRate.objects.filter(currency="MNT").delete()
    # when
    with pytest.raises(DomainError) as refused:
        fe.matter(by=client_owner, **overrides)
    # then
    assert refused.value.field == field
    assert message.lower() in refused.value.message.lower()
    assert not Matter.objects.exists()


@pytest.mark.parametrize(
    ("seat", "message"),
    [
        ({"hours": "-4"}, "Hours per week must be more than 0"),
        ({"hours": "0"}, "Hours per week must be more than 0"),
        ({"hours": "61"}, "at most 60"),
    ],
)
def test_invalid_seat_is_refused_and_nothing_is_saved(client_owner, seat, message):
    with pytest.raises(DomainError) as refused:
        fe.matter(by=client_owner, seats=[fe.seat_input(label="Fine"), fe.seat_input(**seat)])
    assert refused.value.field == "seats"
    assert "Seat 2" in refused.value.message and message in refused.value.message
    assert not Matter.objects.exists() and not Seat.objects.exists()


def test_inactive_jurisdiction_is_refused(client_owner):
    from jurisdictions.models import Jurisdiction

    inactive = Jurisdiction.objects.create(code="ZZ-QQ", name="Nowhere", kind="subdivision", is_active=False)
    seat = services.SeatInput(
        jurisdiction=inactive, practice_area=fe.practice_area(), hours_per_week=Decimal("10")
    )
    with pytest.raises(DomainError, match="not active in the network"):
        fe.matter(by=client_owner, seats=[seat])


def test_a_matter_needs_a_seat(client_owner):
    with pytest.raises(DomainError, match="at least one seat"):
        fe.matter(by=client_owner, seats=[])
    assert not Matter.objects.exists()


def test_one_expert_means_one_seat(client_owner):
    with pytest.raises(DomainError, match="exactly one seat"):
        fe.matter(by=client_owner, engagement_model=Matter.EngagementModel.ONE_EXPERT)


def test_only_client_members_create_matters(lawyer_user):
    with pytest.raises(DomainError, match="Only members of a client organisation"):
        fe.matter(by=lawyer_user)


def test_languages_are_normalised_and_deduplicated(client_owner):
    matter = fe.matter(by=client_owner, required_languages=["EN", "de", "en", " "])
    assert matter.required_languages == ["en", "de"]


def test_currency_is_stored_upper_case(client_owner):
    matter = fe.matter(by=client_owner, currency="eur")
    assert matter.currency == "EUR"


def test_edit_replaces_the_seats_and_keeps_the_ones_named(client_owner):
    matter = fe.matter(by=client_owner)
    lead, associate = fe.seats_of(matter)
    keep = services.SeatInput(
        seat_id=lead.pk,
        jurisdiction=lead.jurisdiction,
        practice_area=lead.practice_area,
        hours_per_week=Decimal("30"),
        label="Lead counsel",
    )
    # when
    services.matter_update(
        matter=matter,
        by=client_owner,
        data=fe.matter_input(title="Renamed"),
        seats=[keep, fe.seat_input(code="DE")],
    )
    # then
    matter.refresh_from_db()
    seats = fe.seats_of(matter)
    assert matter.title == "Renamed"
    assert [(s.pk == lead.pk, s.label, s.hours_per_week) for s in seats] == [
        (True, "Lead counsel", Decimal("30.0")),
        (False, "", Decimal("20.0")),
    ]
    assert not Seat.objects.filter(pk=associate.pk).exists()


def test_a_refused_edit_leaves_the_matter_as_it_was(client_owner):
    matter = fe.matter(by=client_owner)
    with pytest.raises(DomainError):
        services.matter_update(
            matter=matter,
            by=client_owner,
            data=fe.matter_input(title="Changed", currency="XYZ"),
            seats=[fe.seat_input()],
        )
    matter.refresh_from_db()
    assert matter.title != "Changed"
    assert matter.seats.count() == 2


def test_every_change_is_in_the_history_with_who_and_why(client_owner):
    matter = fe.matter(by=client_owner)
    services.matter_post(matter=matter, by=client_owner)
    services.matter_cancel(matter=matter, by=client_owner, reason="Budget withdrawn")
    history = list(
        matter.history.order_by("history_date").values_list("status", "history_change_reason", "history_user")
    )
    assert history == [
        ("draft", "Created", client_owner.pk),
        ("open", "Posted", client_owner.pk),
        ("cancelled", "Cancelled: Budget withdrawn", client_owner.pk),
    ]


def test_stored_counterparties_are_normalised_again_by_the_0004_migration(client_owner):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("engagements.migrations.0004_renormalise_counterparties")
    matter = fe.matter(by=client_owner, counterparties=["Kestrel L.L.P.", "Initech"])
    # as the rule before 0004 stored them
    Matter.objects.filter(pk=matter.pk).update(counterparties_normalised=["kestrel l l p", "initech"])
    migration.renormalise_counterparties(apps, None)
    matter.refresh_from_db()
    assert matter.counterparties_normalised == ["kestrel llp", "initech"]
    assert matter.counterparties == ["Kestrel L.L.P.", "Initech"]

"""The client's matter pages: list, post with seats, edit, cancel, detail; and who may see them."""

import pytest
from django.urls import reverse

from engagements.models import Matter, Seat
from tests import factories_engagements as fe

pytestmark = pytest.mark.django_db


def _url(name, matter=None):
    return reverse(f"engagements:{name}", args=[matter.pk] if matter else [])


def test_client_posts_a_matter_with_two_seats(client, client_owner):
    client.force_login(client_owner)
    area = fe.practice_area()
    data = fe.matter_form_data(
        seats=[
            {
                "jurisdiction": fe.jurisdiction("SG").pk,
                "practice_area": area.pk,
                "hours_per_week": "20",
                "label": "Lead",
            },
            {"jurisdiction": fe.jurisdiction("DE").pk, "practice_area": area.pk, "hours_per_week": "12.5"},
        ]
    )
    # when
    response = client.post(_url("matter-create"), data)
    # then
    matter = Matter.objects.get()
    assert response.status_code == 302 and response["Location"] == _url("matter-detail", matter)
    assert matter.status == Matter.Status.OPEN
    assert matter.counterparties == ["Initech Pte Ltd", "Globex"]
    assert sorted(matter.seats.values_list("jurisdiction__code", flat=True)) == ["DE", "SG"]
    page = client.get(response["Location"])
    assert b"Matter posted" in page.content and b"Lead" in page.content


def test_save_as_draft(client, client_owner):
    client.force_login(client_owner)
    client.post(_url("matter-create"), fe.matter_form_data(action="draft"))
    assert Matter.objects.get().status == Matter.Status.DRAFT


def test_create_form_renders_with_one_seat_row(client, client_owner):
    client.force_login(client_owner)
    response = client.get(_url("matter-create"))
    assert response.status_code == 200
    assert b'name="seats-TOTAL_FORMS" value="1"' in response.content
    assert b"Add another seat" in response.content


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"end_date": "2030-01-01"}, "end_date", "The end date must be on or after the start date."),
        ({"currency": "XYZ"}, "currency", "XYZ is not an ISO 4217 currency code"),
        ({"currency": "MNT"}, "currency", "We have no exchange rate for MNT"),
        ({"required_languages": "en, zz"}, "required_languages", "Not ISO 639-1 language codes: zz"),
        ({"rate_cap": "-1"}, "rate_cap", "The rate cap must be more than zero."),
    ],
)
def test_form_errors_show_next_to_the_field_and_nothing_is_saved(
    client, client_owner, overrides, field, message
):
    from jurisdictions.models import ExchangeRate

    ExchangeRate.objects.filter(currency="MNT").delete()
    client.force_login(client_owner)
    response = client.post(_url("matter-create"), fe.matter_form_data(**overrides))
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    assert message.encode() in response.content
    assert not Matter.objects.exists() and not Seat.objects.exists()


def test_negative_hours_are_refused_on_the_seat(client, client_owner):
    client.force_login(client_owner)
    area = fe.practice_area()
    data = fe.matter_form_data(
        seats=[{"jurisdiction": fe.jurisdiction("SG").pk, "practice_area": area.pk, "hours_per_week": "-3"}]
    )
    response = client.post(_url("matter-create"), data)
    assert response.status_code == 200
    assert (
        "Hours per week must be more than 0" in response.context["seats"].forms[0].errors["hours_per_week"][0]
    )
    assert not Matter.objects.exists()


def test_no_seats_is_refused(client, client_owner):
    client.force_login(client_owner)
    response = client.post(_url("matter-create"), fe.matter_form_data(seats=[]))
    assert response.status_code == 200
    assert "Add at least one seat" in response.content.decode()
    assert not Matter.objects.exists()


def test_removed_seat_rows_are_not_saved(client, client_owner):
    client.force_login(client_owner)
    area = fe.practice_area()
    data = fe.matter_form_data(
        seats=[
            {"jurisdiction": fe.jurisdiction("SG").pk, "practice_area": area.pk, "hours_per_week": "20"},
            {
                "jurisdiction": fe.jurisdiction("DE").pk,
                "practice_area": area.pk,
                "hours_per_week": "5",
                "DELETE": "on",
            },
        ]
    )
    client.post(_url("matter-create"), data)
    assert list(Matter.objects.get().seats.values_list("jurisdiction__code", flat=True)) == ["SG"]


def test_colleague_edits_the_matter(client, client_owner, client_colleague):
    matter = fe.matter(by=client_owner)
    seat = fe.seats_of(matter)[0]
    client.force_login(client_colleague)
    form = client.get(_url("matter-update", matter))
    assert form.status_code == 200 and matter.title.encode() in form.content
    data = fe.matter_form_data(
        title="Edited by a colleague",
        action="draft",
        seats=[
            {
                "seat_id": seat.pk,
                "jurisdiction": seat.jurisdiction_id,
                "practice_area": seat.practice_area_id,
                "hours_per_week": "40",
            }
        ],
    )
    data["seats-INITIAL_FORMS"] = "1"
    response = client.post(_url("matter-update", matter), data)
    assert response.status_code == 302
    matter.refresh_from_db()
    assert matter.title == "Edited by a colleague"
    assert [(s.pk, s.hours_per_week) for s in matter.seats.all()] == [(seat.pk, 40)]


def test_cancel_with_a_reason(client, client_owner):
    matter = fe.matter(by=client_owner, post=True)
    client.force_login(client_owner)
    empty = client.post(_url("matter-cancel", matter), {"reason": ""})
    assert empty.status_code == 200 and "This field is required" in empty.content.decode()
    response = client.post(_url("matter-cancel", matter), {"reason": "Deal fell through"})
    assert response.status_code == 302
    matter.refresh_from_db()
    assert matter.status == Matter.Status.CANCELLED and matter.cancel_reason == "Deal fell through"


def test_post_a_draft_from_its_page(client, client_owner):
    matter = fe.matter(by=client_owner)
    client.force_login(client_owner)
    client.post(_url("matter-post", matter))
    matter.refresh_from_db()
    assert matter.status == Matter.Status.OPEN
    again = client.post(_url("matter-post", matter), follow=True)
    assert "Only a draft can be posted" in again.content.decode()


def test_detail_shows_the_confidential_details_to_the_organisation(client, client_owner, client_colleague):
    matter = fe.matter(by=client_owner)
    client.force_login(client_colleague)
    response = client.get(_url("matter-detail", matter))
    assert response.status_code == 200
    assert b"Target: Initech Pte Ltd." in response.content


def test_it_checks_ownership(
    client, client_owner, client_colleague, client_outsider, lawyer_user, staff_user
):
    matter = fe.matter(by=client_owner)
    client.force_login(client_outsider)
    for name in ("matter-detail", "matter-update", "matter-cancel"):
        assert client.get(_url(name, matter)).status_code == 404
    assert client.post(_url("matter-post", matter)).status_code == 404
    assert client.post(_url("matter-cancel", matter), {"reason": "mine now"}).status_code == 404
    assert matter.title.encode() not in client.get(_url("matter-list")).content
    matter.refresh_from_db()
    assert matter.status == Matter.Status.DRAFT

    client.force_login(lawyer_user)
    assert client.get(_url("matter-detail", matter)).status_code == 404
    assert client.get(_url("matter-create")).status_code == 404
    assert matter.title.encode() not in client.get(_url("matter-list")).content

    client.force_login(staff_user)
    staff_view = client.get(_url("matter-detail", matter))
    assert staff_view.status_code == 200 and b"Edit" not in staff_view.content
    assert matter.title.encode() in client.get(_url("matter-list")).content
    assert client.get(_url("matter-update", matter)).status_code == 404

    client.logout()
    anonymous = client.get(_url("matter-detail", matter))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))


def test_list_shows_only_the_organisations_matters(client, client_owner, client_colleague, client_outsider):
    mine = fe.matter(by=client_owner, title="Ours")
    theirs = fe.matter(by=client_outsider, title="Theirs")
    client.force_login(client_colleague)
    response = client.get(_url("matter-list"))
    assert list(response.context["matters"]) == [mine]
    assert theirs.title.encode() not in response.content


def test_list_query_count_does_not_grow_with_matters(client, client_owner, django_assert_max_num_queries):
    client.force_login(client_owner)
    fe.matter(by=client_owner)
    with django_assert_max_num_queries(10) as few:
        client.get(_url("matter-list"))
    for _ in range(5):
        fe.matter(by=client_owner)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(_url("matter-list"))
    assert len(response.context["matters"]) == 6


def test_list_is_paginated_and_keeps_the_status_filter(client, client_owner, monkeypatch):
    from engagements import views

    monkeypatch.setattr(views, "MATTERS_PER_PAGE", 2)
    drafts = [fe.matter(by=client_owner, title=f"Draft {i}") for i in range(3)]
    posted = [fe.matter(by=client_owner, title=f"Posted {i}", post=True) for i in range(3)]
    client.force_login(client_owner)

    first = client.get(_url("matter-list"), {"status": "open"})
    assert [m.title for m in first.context["matters"]] == ["Posted 2", "Posted 1"]
    assert first.context["matters"][0].seat_count == 2
    assert f'href="{_url("matter-detail", posted[2])}"'.encode() in first.content
    assert b'href="?status=open&amp;page=2"' in first.content and b"Page 1 of 2" in first.content

    second = client.get(_url("matter-list"), {"status": "open", "page": 2})
    assert [m.title for m in second.context["matters"]] == [posted[0].title]
    assert b"Draft" not in second.content.split(b"<table>")[1]
    assert b'href="?status=open&amp;page=1"' in second.content and b"Page 2 of 2" in second.content

    everything = client.get(_url("matter-list"), {"page": 3})
    assert [m.title for m in everything.context["matters"]] == [drafts[1].title, drafts[0].title]
    assert b"6 matters" in everything.content
    # a page past the end shows the last one
    assert client.get(_url("matter-list"), {"page": 99}).context["page_obj"].number == 3


def test_the_edit_form_shows_the_dates_as_the_date_picker_reads_them(client, client_owner):
    # en-gb would render 02/03/2030, which an <input type=date> shows as empty (and the save then fails)
    matter = fe.matter(by=client_owner)
    client.force_login(client_owner)
    page = client.get(_url("matter-update", matter)).content.decode()
    assert f'name="start_date" value="{matter.start_date.isoformat()}"' in page
    assert f'name="end_date" value="{matter.end_date.isoformat()}"' in page

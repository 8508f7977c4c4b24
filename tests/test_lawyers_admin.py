"""The talent team's admin: vetting queue filters, review page, bulk actions with reasons and audit trail."""

import re

import pytest
from django.utils import timezone

from lawyers.models import BarAdmission, LawyerProfile, SanctionedEntry, VettingCheck, VettingDecision
from tests.factories_lawyers import (
    BarAdmissionFactory,
    PracticeAreaExperienceFactory,
    complete_profile,
    jurisdiction,
    practice_area,
)

pytestmark = pytest.mark.django_db
Status = LawyerProfile.Status
CHANGELIST = "/admin/lawyers/lawyerprofile/"


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def _in_review(**fields) -> LawyerProfile:
    profile = complete_profile(**fields)
    LawyerProfile.objects.filter(pk=profile.pk).update(status=Status.IN_REVIEW, submitted_at=timezone.now())
    profile.refresh_from_db()
    return profile


def _listed(response) -> set[int]:
    return {obj.pk for obj in response.context["cl"].result_list}


def test_the_queue_filters_by_status_jurisdiction_practice_area_and_failing_check(staff_client):
    new_yorker = _in_review()
    english = complete_profile()
    english.admissions.all().delete()
    BarAdmissionFactory(profile=english, jurisdiction=jurisdiction("GB-ENG"), registration_number="123456")
    english.practice_areas.all().delete()
    PracticeAreaExperienceFactory(profile=english, practice_area=practice_area("eDiscovery", "Disputes"))
    VettingCheck.objects.create(profile=english, name="sanctions", result="fail", detail="hit")
    VettingCheck.objects.create(profile=new_yorker, name="sanctions", result="pass", detail="")

    assert _listed(staff_client.get(CHANGELIST)) == {new_yorker.pk, english.pk}
    assert _listed(staff_client.get(CHANGELIST, {"status__exact": "in_review"})) == {new_yorker.pk}
    assert _listed(staff_client.get(CHANGELIST, {"jurisdiction": "GB-ENG"})) == {english.pk}
    disputes = practice_area("eDiscovery", "Disputes").parent
    assert _listed(staff_client.get(CHANGELIST, {"practice_area": disputes.slug})) == {english.pk}
    assert _listed(staff_client.get(CHANGELIST, {"failing_check": "sanctions"})) == {english.pk}
    assert _listed(staff_client.get(CHANGELIST, {"failing_check": "any"})) == {english.pk}
    assert _listed(staff_client.get(CHANGELIST, {"q": "123456"})) == {english.pk}


def test_the_queue_shows_how_many_checks_fail_and_sorts_by_it(staff_client):
    clean, failing = _in_review(), _in_review()
    VettingCheck.objects.create(profile=clean, name="sanctions", result="pass", detail="")
    VettingCheck.objects.create(profile=failing, name="sanctions", result="fail", detail="hit")
    VettingCheck.objects.create(profile=failing, name="registration_format", result="fail", detail="format")
    VettingCheck.objects.create(profile=failing, name="documents", result="pass", detail="")

    response = staff_client.get(CHANGELIST, {"o": "-7"})  # failing checks, most first

    rows = response.context["cl"].result_list
    assert [(p.pk, p.failing_count) for p in rows] == [(failing.pk, 2), (clean.pk, 0)]
    assert '<td class="field-failing_checks">2</td>' in response.content.decode()


def test_the_queue_query_count_does_not_grow_with_profiles(staff_client, django_assert_max_num_queries):
    _in_review()
    with django_assert_max_num_queries(40) as captured:
        staff_client.get(CHANGELIST)
    baseline = len(captured.captured_queries)
    for _ in range(5):
        _in_review()
    with django_assert_max_num_queries(baseline):
        staff_client.get(CHANGELIST)


def test_review_page_shows_admissions_checks_documents_and_decisions(staff_client, staff_user):
    profile = _in_review()
    VettingCheck.objects.create(profile=profile, name="documents", result="pass", detail="All good")
    document = profile.documents.first()
    response = staff_client.get(f"{CHANGELIST}{profile.pk}/change/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "1000" in content or profile.admissions.get().registration_number in content
    assert "All good" in content
    assert f"/lawyers/documents/{document.pk}/download/" in content
    assert "Approve" in content and "Reject" in content  # the moves allowed from "in review"
    assert staff_client.get(f"{CHANGELIST}{profile.pk}/history/").status_code == 200


def test_verify_admissions_from_the_review_page(staff_client, staff_user):
    profile = _in_review()
    admission = profile.admissions.get()
    data = {
        "admissions-TOTAL_FORMS": "1",
        "admissions-INITIAL_FORMS": "1",
        "admissions-MIN_NUM_FORMS": "0",
        "admissions-MAX_NUM_FORMS": "1000",
        "admissions-0-id": str(admission.pk),
        "admissions-0-profile": str(profile.pk),
        "admissions-0-verify": "on",
        "_continue": "Save",
    }
    for prefix in ("checks", "documents", "decisions"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = staff_client.post(f"{CHANGELIST}{profile.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    admission.refresh_from_db()
    assert admission.verified_by == staff_user and admission.verified_at is not None


def test_verify_selected_admissions_action(staff_client, staff_user):
    admissions = [BarAdmissionFactory(), BarAdmissionFactory()]
    response = staff_client.post(
        "/admin/lawyers/baradmission/",
        {"action": "verify_selected", "_selected_action": [a.pk for a in admissions]},
        follow=True,
    )
    assert "Verified 2 admissions" in response.content.decode()
    assert BarAdmission.objects.filter(verified_by=staff_user).count() == 2


def test_approve_action_applies_the_service_per_profile_and_reports_errors(
    staff_client, staff_user, django_capture_on_commit_callbacks, mailoutbox
):
    ready = _in_review()
    ready.admissions.update(verified_at=timezone.now())
    unverified = _in_review()
    draft = complete_profile()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            CHANGELIST,
            {"action": "approve", "_selected_action": [ready.pk, unverified.pk, draft.pk]},
            follow=True,
        )
    content = response.content.decode()
    assert "Done for 1 profile." in content
    assert "Verify at least one bar admission" in content
    assert "cannot be approved" in content
    ready.refresh_from_db()
    assert ready.status == Status.VETTED
    decision = VettingDecision.objects.get(profile=ready)
    assert (decision.by, decision.to_status) == (staff_user, Status.VETTED)
    assert [m.to for m in mailoutbox] == [[ready.user.email]]
    assert LawyerProfile.objects.get(pk=unverified.pk).status == Status.IN_REVIEW


def test_reject_action_asks_for_a_reason_first(
    staff_client, staff_user, django_capture_on_commit_callbacks, mailoutbox
):
    one, two = _in_review(), _in_review()
    selected = {"action": "reject", "_selected_action": [one.pk, two.pk]}
    page = staff_client.post(CHANGELIST, selected)
    assert page.status_code == 200
    assert "give a reason" in page.content.decode()
    assert not VettingDecision.objects.exists()
    # Applying without a reason shows the form again.
    again = staff_client.post(CHANGELIST, {**selected, "apply": "1", "reason": "  "})
    assert "This field is required" in again.content.decode()
    assert not VettingDecision.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = staff_client.post(
            CHANGELIST,
            {**selected, "apply": "1", "reason": "Admission not found on the register"},
            follow=True,
        )
    assert "Done for 2 profiles." in done.content.decode()
    for profile in (one, two):
        profile.refresh_from_db()
        assert profile.status == Status.REJECTED
        decision = profile.decisions.get()
        assert (decision.by, decision.reason) == (staff_user, "Admission not found on the register")
    assert len(mailoutbox) == 2 and all("Admission not found on the register" in m.body for m in mailoutbox)


def test_suspend_and_reinstate_actions_keep_who_and_why(staff_client, staff_user):
    profile = complete_profile()
    LawyerProfile.objects.filter(pk=profile.pk).update(status=Status.VETTED)
    staff_client.post(
        CHANGELIST,
        {"action": "suspend", "_selected_action": [profile.pk], "apply": "1", "reason": "Complaint received"},
    )
    profile.refresh_from_db()
    assert profile.status == Status.SUSPENDED
    staff_client.post(
        CHANGELIST,
        {"action": "reinstate", "_selected_action": [profile.pk], "apply": "1", "reason": "Complaint closed"},
    )
    profile.refresh_from_db()
    assert profile.status == Status.VETTED
    assert list(profile.decisions.order_by("pk").values_list("to_status", "by", "reason")) == [
        (Status.SUSPENDED, staff_user.pk, "Complaint received"),
        (Status.VETTED, staff_user.pk, "Complaint closed"),
    ]


def test_decision_buttons_on_the_review_page(staff_client, staff_user):
    profile = _in_review()
    url = f"{CHANGELIST}{profile.pk}/decide/reject/"
    assert "Reason" in staff_client.get(url).content.decode()
    assert staff_client.post(url, {"reason": ""}).status_code == 200  # the form again, with the error
    response = staff_client.post(url, {"reason": "Incomplete references"})
    assert response.status_code == 302
    profile.refresh_from_db()
    assert (profile.status, profile.decision_reason) == (Status.REJECTED, "Incomplete references")
    # An illegal move from the page shows the domain's message rather than failing.
    illegal = staff_client.post(f"{CHANGELIST}{profile.pk}/decide/suspend/", {"reason": "x"})
    assert "cannot be suspended" in illegal.content.decode()


def test_sanctions_list_entries_are_normalised(staff_client):
    new_york = jurisdiction("US-NY")
    response = staff_client.post(
        "/admin/lawyers/sanctionedentry/add/",
        {
            "name": "  John   SMITH ",
            "jurisdiction": new_york.pk,
            "registration_number": "12 34 567",
            "source": "OFAC",
            "note": "",
        },
    )
    assert response.status_code == 302
    entry = SanctionedEntry.objects.get()
    assert (entry.name_normalised, entry.registration_number) == ("john smith", "1234567")
    empty = staff_client.post(
        "/admin/lawyers/sanctionedentry/add/", {"name": "", "registration_number": "", "source": "x"}
    )
    assert "Give a name, a registration number, or both." in empty.content.decode()


def test_decisions_are_read_only_in_admin(staff_client, staff_user):
    profile = _in_review()
    from lawyers import services

    profile.admissions.update(verified_at=timezone.now())
    decision = services.lawyer_profile_approve(profile=profile, by=staff_user)
    assert staff_client.get("/admin/lawyers/vettingdecision/").status_code == 200
    assert (
        staff_client.post(
            f"/admin/lawyers/vettingdecision/{decision.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )


def test_lawyers_and_clients_cannot_use_the_admin(client, lawyer_user, client_owner):
    for user in (lawyer_user, client_owner):
        client.force_login(user)
        assert client.get(CHANGELIST).status_code == 302


def test_the_queue_rows_render_as_the_stock_admin_would(staff_client, staff_user):
    """The row checkbox, the admissions column and the filters' choices are computed cheaply; the
    page shows what the stock admin (a rendered CheckboxInput, prefetched admissions) showed."""
    from django.contrib import admin as django_admin
    from django.contrib.admin import ModelAdmin
    from django.test import RequestFactory

    from jurisdictions.models import Jurisdiction, PracticeArea
    from lawyers.admin import AdmissionJurisdictionFilter, LawyerProfileAdmin, PracticeAreaFilter

    profile = _in_review()
    profile.user.full_name = 'Ann "<O&Brien>"'
    profile.user.save()
    profile.admissions.all().delete()
    BarAdmissionFactory(profile=profile, jurisdiction=jurisdiction("US-NY"), verified_at=timezone.now())
    BarAdmissionFactory(profile=profile, jurisdiction=jurisdiction("GB-ENG"), registration_number="9")
    bare = _in_review()
    bare.admissions.all().delete()

    content = staff_client.get(CHANGELIST).content.decode()
    stock = ModelAdmin(LawyerProfile, django_admin.site)
    for shown in (profile, bare):
        shown = LawyerProfile.objects.select_related("user").get(pk=shown.pk)
        assert stock.action_checkbox(shown) in content
    assert '<td class="field-admissions_summary">GB-ENG, US-NY ✓</td>' in content
    assert '<td class="field-admissions_summary">—</td>' in content

    request = RequestFactory().get(CHANGELIST)
    request.user = staff_user
    model_admin = LawyerProfileAdmin(LawyerProfile, django_admin.site)
    admitted = Jurisdiction.objects.filter(bar_admissions__isnull=False).distinct().order_by("code")
    jurisdictions = AdmissionJurisdictionFilter(request, {}, LawyerProfile, model_admin)
    assert jurisdictions.lookup_choices == [(j.code, f"{j.code} {j.name}") for j in admitted]
    areas = PracticeAreaFilter(request, {}, LawyerProfile, model_admin)
    assert areas.lookup_choices == [(a.slug, str(a)) for a in PracticeArea.objects.select_related("parent")]


def _rows_html(content: str) -> str:
    return content[content.index("<tbody>") : content.index("</tbody>")]


@pytest.mark.parametrize(
    ("url", "query"),
    [
        (CHANGELIST, {}),
        (CHANGELIST, {"status__exact": "in_review", "o": "-4.1"}),
        ("/admin/engagements/matter/", {}),
        ("/admin/engagements/matter/", {"o": "-1", "q": " "}),
        ("/admin/engagements/offer/", {}),
        ("/admin/engagements/offer/", {"status__exact": "pending"}),
    ],
)
def test_quick_changelists_render_the_rows_the_stock_admin_renders(
    staff_client, monkeypatch, url, query, client_owner
):
    """Row checkboxes, links (with the list's filters kept) and cells are the stock admin's, byte for byte;
    so is the rest of the page but for the CSRF token."""
    from django.contrib import admin as django_admin
    from django.contrib.admin.views.main import ChangeList

    from engagements.models import Matter, Offer
    from tests import factories_engagements as fe

    for _ in range(3):
        _in_review()
    matter, _, (_ada, bea, _) = fe.posted_and_matched(client_owner, confidential_details="")
    fe.send_offer(seat=fe.seats_of(matter)[0], lawyer=bea, by=client_owner)

    quick = staff_client.get(url, query).content.decode()
    model = {CHANGELIST: LawyerProfile, "/admin/engagements/matter/": Matter}.get(url, Offer)
    model_admin = django_admin.site._registry[model]
    monkeypatch.setattr(type(model_admin), "get_changelist", lambda self, request, **kw: ChangeList)
    monkeypatch.setattr(type(model_admin), "action_checkbox", django_admin.ModelAdmin.action_checkbox)
    monkeypatch.setattr(type(model_admin), "change_list_template", None)
    stock = staff_client.get(url, query).content.decode()

    assert "/change/" in _rows_html(quick)
    assert ("/change/?_changelist_filters=" in _rows_html(quick)) == bool(query)
    assert _rows_html(quick) == _rows_html(stock)
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub("", quick) == token.sub("", stock)

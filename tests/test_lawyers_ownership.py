"""Only the lawyer and the talent team see or edit a profile and its documents; everyone else gets 404."""

import pytest

from lawyers import selectors
from lawyers.models import LawyerProfile
from tests.factories import LawyerUserFactory
from tests.factories_lawyers import complete_profile

pytestmark = pytest.mark.django_db

PAGES = [
    "",
    "basics/",
    "admissions/",
    "practice-areas/",
    "languages/",
    "experience/",
    "unavailability/",
    "conflicts/",
    "documents/",
]


@pytest.fixture
def profile(lawyer_user):
    return complete_profile(user=lawyer_user)


@pytest.fixture
def other_lawyer():
    return LawyerUserFactory(email="other.lawyer@counsel.test")


@pytest.mark.parametrize("page", PAGES)
def test_it_checks_ownership(client, profile, other_lawyer, client_owner, staff_user, page):
    url = f"/lawyers/{profile.pk}/{page}"
    for viewer, expected in [
        (profile.user, 200),
        (staff_user, 200),
        (other_lawyer, 404),
        (client_owner, 404),
    ]:
        client.force_login(viewer)
        assert client.get(url).status_code == expected, viewer.email


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, profile, page):
    response = client.get(f"/lawyers/{profile.pk}/{page}")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_my_profile_link_leads_to_own_profile(client, profile):
    client.force_login(profile.user)
    response = client.get("/lawyers/")
    assert response.status_code == 302 and response["Location"] == f"/lawyers/{profile.pk}/"


def test_clients_have_no_lawyer_directory(client, client_owner, profile):
    client.force_login(client_owner)
    assert client.get("/lawyers/").status_code == 404
    assert not selectors.lawyer_profiles_visible_to(client_owner).exists()


def test_another_lawyer_cannot_edit_by_posting(client, profile, other_lawyer):
    client.force_login(other_lawyer)
    response = client.post(
        f"/lawyers/{profile.pk}/basics/",
        {
            "headline": "Hijacked",
            "bio": "",
            "hourly_rate": "1",
            "rate_currency": "USD",
            "weekly_capacity_hours": "1",
        },
    )
    assert response.status_code == 404
    assert client.post(f"/lawyers/{profile.pk}/submit/").status_code == 404
    profile.refresh_from_db()
    assert profile.headline == "Corporate counsel"
    assert profile.status == LawyerProfile.Status.DRAFT


def test_another_lawyer_cannot_guess_a_document_url(client, profile, other_lawyer, client_owner):
    document = profile.documents.first()
    url = f"/lawyers/documents/{document.pk}/download/"
    client.force_login(other_lawyer)
    assert client.get(url).status_code == 404
    # Nor delete it through their own profile's URL.
    own = other_lawyer.lawyer_profile
    assert client.post(f"/lawyers/{own.pk}/documents/{document.pk}/delete/").status_code == 404
    client.force_login(client_owner)
    assert client.get(url).status_code == 404
    assert profile.documents.filter(pk=document.pk).exists()


def test_owner_and_staff_can_download(client, profile, staff_user):
    document = profile.documents.first()
    for viewer in (profile.user, staff_user):
        client.force_login(viewer)
        assert client.get(f"/lawyers/documents/{document.pk}/download/").status_code == 200


def test_an_unknown_document_is_404(client, profile):
    client.force_login(profile.user)
    assert client.get("/lawyers/documents/999999/download/").status_code == 404


def test_another_lawyers_admission_cannot_be_smuggled_into_a_formset(client, profile, other_lawyer):
    # The other lawyer posts the victim's admission id in their own admissions formset.
    victim_admission = profile.admissions.get()
    own = other_lawyer.lawyer_profile
    client.force_login(other_lawyer)
    data = {
        "admissions-TOTAL_FORMS": "1",
        "admissions-INITIAL_FORMS": "1",
        "admissions-0-id": str(victim_admission.pk),
        "admissions-0-jurisdiction": str(victim_admission.jurisdiction_id),
        "admissions-0-registration_number": "9999999",
        "admissions-0-year_admitted": "2015",
    }
    # Neither changing it nor ticking "delete" touches it: the id is not in the lawyer's own list.
    client.post(f"/lawyers/{own.pk}/admissions/", data)
    client.post(f"/lawyers/{own.pk}/admissions/", {**data, "admissions-0-DELETE": "on"})
    assert not own.admissions.exists()
    victim_admission.refresh_from_db()
    assert victim_admission.registration_number != "9999999"
    assert victim_admission.profile == profile


def test_selectors_scope_profiles_and_documents(profile, other_lawyer, client_owner, staff_user):
    assert list(selectors.lawyer_profiles_visible_to(profile.user)) == [profile]
    assert profile not in selectors.lawyer_profiles_visible_to(other_lawyer)
    assert set(selectors.lawyer_profiles_visible_to(staff_user)) >= {profile, other_lawyer.lawyer_profile}
    assert selectors.lawyer_documents_visible_to(profile.user).count() == 2
    assert selectors.lawyer_documents_visible_to(other_lawyer).count() == 0
    assert selectors.lawyer_documents_visible_to(client_owner).count() == 0
    assert selectors.lawyer_documents_visible_to(staff_user).count() == 2
    assert selectors.lawyer_profile_for_user(client_owner) is None
    assert selectors.lawyer_profile_for_user(profile.user) == profile

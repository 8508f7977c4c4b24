"""Factories for the lawyer network: profiles with admissions, skills, experience and documents."""

import datetime as dt
import io
import zipfile

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from jurisdictions.models import Jurisdiction, PracticeArea
from lawyers.models import (
    BarAdmission,
    Document,
    Experience,
    LanguageSkill,
    LawyerProfile,
    PracticeAreaExperience,
    SanctionedEntry,
)
from lawyers.rules import normalise_organisation_name
from tests.factories import LawyerUserFactory

# The smallest PDF readers accept, and a DOCX with the parts Word needs.
MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def minimal_docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>CV</w:t></w:r></w:p></w:body></w:document>',
        )
    return buffer.getvalue()


def jurisdiction(code: str, name: str | None = None) -> Jurisdiction:
    """The jurisdiction with this code (reference data or created), active in the network."""
    obj, _ = Jurisdiction.objects.get_or_create(
        code=code,
        defaults={
            "name": name or code,
            "kind": Jurisdiction.Kind.SUBDIVISION if "-" in code else Jurisdiction.Kind.COUNTRY,
            "is_active": True,
        },
    )
    if not obj.is_active:
        obj.is_active = True
        obj.save(update_fields=["is_active"])
    return obj


def practice_area(name: str = "M&A", parent: str = "Corporate") -> PracticeArea:
    """A second-level practice area (reference data or created)."""
    from django.utils.text import slugify

    top = PracticeArea.objects.filter(name=parent, parent=None).first() or PracticeArea.objects.create(
        name=parent, slug=slugify(parent)
    )
    area = PracticeArea.objects.filter(name=name, parent=top).first()
    return area or PracticeArea.objects.create(name=name, parent=top, slug=slugify(f"{parent}-{name}"))


class LawyerProfileFactory(factory.django.DjangoModelFactory):
    """A draft profile with the basics filled in (the user gets one through LawyerUserFactory)."""

    class Meta:
        model = LawyerProfile
        django_get_or_create = ("user",)

    user = factory.SubFactory(LawyerUserFactory)
    headline = "Corporate counsel"
    bio = "Ten years of cross-border M&A."
    hourly_rate = factory.LazyFunction(lambda: __import__("decimal").Decimal("250.00"))
    rate_currency = "USD"
    weekly_capacity_hours = 20

    @classmethod
    def _create(cls, model_class, *args, **kwargs):  # type: ignore[no-untyped-def]
        # LawyerUserFactory already made an empty profile: fill it in rather than make a second.
        user = kwargs.pop("user")
        profile, _ = model_class.objects.get_or_create(user=user)
        for field, value in kwargs.items():
            setattr(profile, field, value)
        profile.save()
        return profile


class BarAdmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BarAdmission

    profile = factory.SubFactory(LawyerProfileFactory)
    jurisdiction = factory.LazyFunction(lambda: jurisdiction("US-NY", "New York"))
    registration_number = factory.Sequence(lambda n: f"{1000000 + n}")
    year_admitted = 2012


class PracticeAreaExperienceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PracticeAreaExperience

    profile = factory.SubFactory(LawyerProfileFactory)
    practice_area = factory.LazyFunction(practice_area)
    years = 8
    proficiency = PracticeAreaExperience.Proficiency.EXPERT


class LanguageSkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LanguageSkill

    profile = factory.SubFactory(LawyerProfileFactory)
    code = "en"
    level = LanguageSkill.Level.NATIVE


class ExperienceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Experience

    profile = factory.SubFactory(LawyerProfileFactory)
    organisation = "Sullivan & Partners LLP"
    # As the profile service stores it: matching compares the normalised name.
    organisation_normalised = factory.LazyAttribute(lambda o: normalise_organisation_name(o.organisation))
    role = "Associate"
    kind = Experience.Kind.LAW_FIRM
    start_date = dt.date(2012, 9, 1)
    end_date = None


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    profile = factory.SubFactory(LawyerProfileFactory)
    kind = Document.Kind.CV
    original_filename = "cv.pdf"
    content_type = "application/pdf"
    size = len(MINIMAL_PDF)
    file = factory.LazyFunction(lambda: ContentFile(MINIMAL_PDF, name="upload.pdf"))
    uploaded_at = factory.LazyFunction(timezone.now)


class SanctionedEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SanctionedEntry

    name = ""
    source = "Test list 2026-01"


def complete_profile(**profile_fields: object) -> LawyerProfile:
    """A draft profile with everything submission needs: admission, area, language, experience, documents."""
    profile = LawyerProfileFactory(**profile_fields)
    BarAdmissionFactory(profile=profile)
    PracticeAreaExperienceFactory(profile=profile)
    LanguageSkillFactory(profile=profile)
    ExperienceFactory(profile=profile)
    DocumentFactory(profile=profile, kind=Document.Kind.CV)
    DocumentFactory(profile=profile, kind=Document.Kind.BAR_CERTIFICATE, original_filename="certificate.pdf")
    from lawyers.services import lawyer_profile_recompute_seniority

    lawyer_profile_recompute_seniority(profile=profile)
    return profile

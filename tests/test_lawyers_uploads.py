"""Document uploads: type judged by content, size capped, stored under a random name, served safely."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lawyers import services
from lawyers.models import Document
from lawyers.uploads import DOCX, PDF, detect_document_type
from marketplace.errors import DomainError
from tests.factories_lawyers import MINIMAL_PDF, minimal_docx

pytestmark = pytest.mark.django_db

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def _zip(**members: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_detection_by_content():
    assert detect_document_type(io.BytesIO(MINIMAL_PDF)) == PDF
    assert detect_document_type(io.BytesIO(minimal_docx())) == DOCX
    assert detect_document_type(io.BytesIO(ELF)) is None
    assert detect_document_type(io.BytesIO(WINDOWS_EXE)) is None
    assert detect_document_type(io.BytesIO(b"")) is None
    # A zip that is not a Word document, and a file that only looks like a zip.
    assert detect_document_type(io.BytesIO(_zip(**{"word/document.xml": b"x"}))) is None
    assert detect_document_type(io.BytesIO(b"PK\x03\x04 truncated garbage")) is None


def test_real_pdf_is_stored_under_a_random_name(lawyer_user, settings):
    profile = lawyer_user.lawyer_profile
    upload = SimpleUploadedFile("../../etc/My CV.pdf", MINIMAL_PDF, content_type="text/plain")
    document = services.document_upload(profile=profile, kind="cv", uploaded_file=upload, by=lawyer_user)
    assert document.content_type == PDF
    assert document.size == len(MINIMAL_PDF)
    assert document.original_filename.endswith("My CV.pdf") and "/" not in document.original_filename
    stored = Path(document.file.path)
    assert stored.is_file() and stored.read_bytes() == MINIMAL_PDF
    assert Path(settings.MEDIA_ROOT) in stored.parents
    assert "CV" not in stored.name and stored.suffix == ".pdf" and len(stored.stem) == 32


def test_real_docx_is_accepted(lawyer_user):
    upload = SimpleUploadedFile("cv.docx", minimal_docx(), content_type="application/octet-stream")
    document = services.document_upload(
        profile=lawyer_user.lawyer_profile, kind="cv", uploaded_file=upload, by=lawyer_user
    )
    assert document.content_type == DOCX
    assert document.file.name.endswith(".docx")


@pytest.mark.parametrize("content", [ELF, WINDOWS_EXE, b"<html><script>alert(1)</script>"])
def test_renamed_executable_is_rejected(lawyer_user, content):
    upload = SimpleUploadedFile("cv.pdf", content, content_type="application/pdf")
    with pytest.raises(DomainError, match="Only PDF and Word"):
        services.document_upload(
            profile=lawyer_user.lawyer_profile, kind="cv", uploaded_file=upload, by=lawyer_user
        )
    assert not Document.objects.exists()


def test_oversize_file_is_rejected(lawyer_user, settings):
    settings.LAWYER_DOCUMENT_MAX_BYTES = 1024
    upload = SimpleUploadedFile("cv.pdf", MINIMAL_PDF + b"%" * 2048, content_type="application/pdf")
    with pytest.raises(DomainError, match="the limit is"):
        services.document_upload(
            profile=lawyer_user.lawyer_profile, kind="cv", uploaded_file=upload, by=lawyer_user
        )
    assert not Document.objects.exists()


def test_the_default_size_cap_is_10_mb(lawyer_user):
    upload = SimpleUploadedFile(
        "cv.pdf", MINIMAL_PDF + b"0" * (10 * 1024 * 1024), content_type="application/pdf"
    )
    with pytest.raises(DomainError, match="limit is 10 MB"):
        services.document_upload(
            profile=lawyer_user.lawyer_profile, kind="cv", uploaded_file=upload, by=lawyer_user
        )


def test_upload_page_shows_the_error_next_to_the_file_field(client, lawyer_user):
    client.force_login(lawyer_user)
    profile = lawyer_user.lawyer_profile
    response = client.post(
        f"/lawyers/{profile.pk}/documents/",
        {"kind": "cv", "file": SimpleUploadedFile("cv.pdf", ELF, content_type="application/pdf")},
    )
    assert response.status_code == 400
    assert "this file&#x27;s content is neither" in response.content.decode()
    assert 'id="id_file_error"' in response.content.decode()
    assert not Document.objects.exists()


def test_a_50_mb_upload_on_the_page_is_refused_with_the_limit_and_nothing_is_stored(
    client, lawyer_user, settings
):
    client.force_login(lawyer_user)
    profile = lawyer_user.lawyer_profile
    big = SimpleUploadedFile(
        "cv.pdf", MINIMAL_PDF + b"0" * (50 * 1024 * 1024), content_type="application/pdf"
    )

    response = client.post(f"/lawyers/{profile.pk}/documents/", {"kind": "cv", "file": big})

    assert response.status_code == 400
    assert "limit is 10 MB" in response.content.decode()
    assert not Document.objects.exists()
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_upload_page_accepts_a_pdf(client, lawyer_user):
    client.force_login(lawyer_user)
    profile = lawyer_user.lawyer_profile
    response = client.post(
        f"/lawyers/{profile.pk}/documents/",
        {"kind": "bar_certificate", "file": SimpleUploadedFile("certificate.pdf", MINIMAL_PDF)},
        follow=True,
    )
    assert response.status_code == 200
    assert "Document uploaded." in response.content.decode()
    assert profile.documents.get().kind == Document.Kind.BAR_CERTIFICATE


def test_download_is_an_attachment_that_browsers_will_not_sniff(client, lawyer_user):
    upload = SimpleUploadedFile("cv.pdf", MINIMAL_PDF)
    document = services.document_upload(
        profile=lawyer_user.lawyer_profile, kind="cv", uploaded_file=upload, by=lawyer_user
    )
    client.force_login(lawyer_user)
    response = client.get(f"/lawyers/documents/{document.pk}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == MINIMAL_PDF
    assert response["Content-Type"] == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="cv.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_deleting_a_document_removes_the_file(client, lawyer_user, django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile("cv.pdf", MINIMAL_PDF)
    profile = lawyer_user.lawyer_profile
    document = services.document_upload(profile=profile, kind="cv", uploaded_file=upload, by=lawyer_user)
    path = Path(document.file.path)
    client.force_login(lawyer_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/lawyers/{profile.pk}/documents/{document.pk}/delete/")
    assert response.status_code == 302
    assert not Document.objects.exists()
    assert not path.exists()


def test_media_root_is_not_served(client, lawyer_user):
    upload = SimpleUploadedFile("cv.pdf", MINIMAL_PDF)
    document = services.document_upload(
        profile=lawyer_user.lawyer_profile, kind="cv", uploaded_file=upload, by=lawyer_user
    )
    client.force_login(lawyer_user)
    assert client.get(document.file.url).status_code == 404

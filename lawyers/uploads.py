"""What an uploaded document really is, judged by its bytes: never by its name or the browser's word."""

import zipfile
from typing import IO

from django.conf import settings

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ALLOWED_CONTENT_TYPES = {PDF: "PDF", DOCX: "Word (.docx)"}
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# A Word document has a few dozen parts; an archive with thousands is not one (and is costly to list).
_MAX_ZIP_ENTRIES = 2000
_DOCX_PARTS = {"[Content_Types].xml", "word/document.xml"}


def document_max_bytes() -> int:
    return int(getattr(settings, "LAWYER_DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def detect_document_type(stream: IO[bytes]) -> str | None:
    """PDF or DOCX content type from the bytes of `stream`, or None. Leaves the stream at its start.

    PDF: starts with `%PDF-`. DOCX: a zip archive whose directory lists `[Content_Types].xml` and
    `word/document.xml`; only the directory is read, nothing is extracted.
    """
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if not head.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(stream) as archive:
            entries = archive.infolist()
            if len(entries) > _MAX_ZIP_ENTRIES:
                return None
            names = {entry.filename for entry in entries}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return None
    finally:
        stream.seek(0)
    return DOCX if names >= _DOCX_PARTS else None


def extension_for(content_type: str) -> str:
    return {PDF: ".pdf", DOCX: ".docx"}.get(content_type, "")

"""Automated vetting checks. Each takes a profile and returns an outcome; none of them writes.

`lawyers.services.vetting_checks_run` runs them and stores the results; `lawyers.tasks` runs that in a
worker. Details are shown to the lawyer as "what to fix", so they never name another lawyer.
"""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q

from lawyers.models import (
    BarAdmission,
    Document,
    Experience,
    LawyerProfile,
    SanctionedEntry,
    VettingCheck,
)
from lawyers.rules import normalise_organisation_name, normalise_registration_number
from lawyers.uploads import ALLOWED_CONTENT_TYPES, detect_document_type, document_max_bytes

Result = VettingCheck.Result
Name = VettingCheck.Name


@dataclass(frozen=True)
class RegistrationFormat:
    pattern: str
    description: str

    def matches(self, number: str) -> bool:
        return re.fullmatch(self.pattern, normalise_registration_number(number)) is not None


# Registration-number formats the talent team has confirmed with each register, applied to the number
# without spaces and in upper case. A jurisdiction missing here gets a warning, not a failure: staff
# check those numbers by hand.
REGISTRATION_FORMATS: dict[str, RegistrationFormat] = {
    "US-NY": RegistrationFormat(r"\d{7}", "a 7-digit attorney registration number"),
    "US-CA": RegistrationFormat(r"\d{1,6}", "a State Bar of California number of up to 6 digits"),
    "US-TX": RegistrationFormat(r"\d{8}", "an 8-digit State Bar of Texas card number"),
    "US-IL": RegistrationFormat(r"\d{7}", "a 7-digit ARDC number"),
    "GB-ENG": RegistrationFormat(r"\d{6}", "a 6-digit SRA number"),
    "GB-WLS": RegistrationFormat(r"\d{6}", "a 6-digit SRA number"),
    "DE": RegistrationFormat(r"\d{3,8}", "a Rechtsanwaltskammer membership number of 3 to 8 digits"),
    "SG": RegistrationFormat(
        r"(19|20)\d{2}/\d{3,5}", "the Supreme Court admission year and serial, e.g. 2011/01234"
    ),
}

# Admitted more than this many years before the first role listed is implausible (or a typo).
ADMISSION_BEFORE_FIRST_ROLE_TOLERANCE = 5
# Practice-area years may include training before admission, up to this many.
PRE_QUALIFICATION_TOLERANCE = 3


@dataclass(frozen=True)
class CheckOutcome:
    result: str
    detail: str


def _worst(findings: list[tuple[str, str]], *, passed: str) -> CheckOutcome:
    """Fold (result, message) findings into one outcome: the worst result, every message."""
    if not findings:
        return CheckOutcome(Result.PASS, passed)
    order = {Result.PASS: 0, Result.WARN: 1, Result.FAIL: 2}
    result = max((result for result, _ in findings), key=lambda r: order[Result(r)])
    return CheckOutcome(result, "\n".join(message for _, message in findings))


def profile_missing_items(profile: LawyerProfile) -> list[str]:
    """What the profile still lacks before it can be submitted, in words the lawyer reads."""
    missing = []
    if not profile.headline.strip():
        missing.append("a headline")
    if profile.hourly_rate is None or not profile.rate_currency:
        missing.append("an hourly rate and its currency")
    if not profile.weekly_capacity_hours:
        missing.append("your weekly capacity")
    if not profile.admissions.exists():
        missing.append("at least one bar admission")
    if not profile.practice_areas.exists():
        missing.append("at least one practice area")
    if not profile.languages.exists():
        missing.append("at least one language")
    if not profile.experiences.exists():
        missing.append("your experience (at least one role)")
    kinds = set(profile.documents.values_list("kind", flat=True))
    if Document.Kind.CV not in kinds:
        missing.append("a CV")
    if Document.Kind.BAR_CERTIFICATE not in kinds:
        missing.append("a bar certificate")
    return missing


def check_completeness(profile: LawyerProfile, *, today: dt.date) -> CheckOutcome:
    missing = profile_missing_items(profile)
    if missing:
        return CheckOutcome(Result.FAIL, "Missing: " + ", ".join(missing) + ".")
    return CheckOutcome(Result.PASS, "Everything the application needs is there.")


def _admissions(profile: LawyerProfile) -> list[BarAdmission]:
    return list(profile.admissions.select_related("jurisdiction").order_by("jurisdiction__code"))


def check_registration_format(profile: LawyerProfile, *, today: dt.date) -> CheckOutcome:
    admissions = _admissions(profile)
    if not admissions:
        return CheckOutcome(Result.WARN, "No bar admission to check.")
    findings = []
    for admission in admissions:
        code = admission.jurisdiction.code
        expected = REGISTRATION_FORMATS.get(code)
        if expected is None:
            findings.append((Result.WARN, f"{code}: no known format; staff will check the number by hand."))
        elif not expected.matches(admission.registration_number):
            findings.append(
                (
                    Result.FAIL,
                    f"{code}: “{admission.registration_number}” is not {expected.description}. "
                    "Correct the number as it appears on the register.",
                )
            )
    return _worst(findings, passed="Every registration number has its register's format.")


def check_registration_duplicate(profile: LawyerProfile, *, today: dt.date) -> CheckOutcome:
    admissions = _admissions(profile)
    if not admissions:
        return CheckOutcome(Result.WARN, "No bar admission to check.")
    claimed = Q()
    for admission in admissions:
        claimed |= Q(
            jurisdiction_id=admission.jurisdiction_id, registration_number=admission.registration_number
        )
    taken = set(
        BarAdmission.objects.filter(claimed)
        .exclude(profile=profile)
        .values_list("jurisdiction__code", "registration_number")
    )
    findings = [
        (
            Result.FAIL,
            f"{code} {number} is also claimed by another lawyer's profile. "
            "Check the number; the talent team will contact you if it is right.",
        )
        for code, number in sorted(taken)
    ]
    return _worst(findings, passed="No other profile claims these registration numbers.")


def check_admission_year(profile: LawyerProfile, *, today: dt.date) -> CheckOutcome:
    admissions = _admissions(profile)
    if not admissions:
        return CheckOutcome(Result.WARN, "No bar admission to check.")
    findings: list[tuple[str, str]] = []
    for admission in admissions:
        if admission.year_admitted > today.year:
            findings.append(
                (
                    Result.FAIL,
                    f"{admission.jurisdiction.code}: admitted in {admission.year_admitted}, in the future.",
                )
            )
    starts = list(profile.experiences.values_list("start_date", flat=True))
    if starts:
        first_role = min(starts).year
        for admission in admissions:
            if admission.year_admitted < first_role - ADMISSION_BEFORE_FIRST_ROLE_TOLERANCE:
                findings.append(
                    (
                        Result.FAIL,
                        f"{admission.jurisdiction.code}: admitted in {admission.year_admitted}, more than "
                        f"{ADMISSION_BEFORE_FIRST_ROLE_TOLERANCE} years before your first listed role "
                        f"({first_role}). Add your earlier roles or correct the year.",
                    )
                )
    earliest = min(admission.year_admitted for admission in admissions)
    post_qualification = max(today.year - earliest, 0)
    for area in profile.practice_areas.select_related("practice_area__parent"):
        if area.years > post_qualification + PRE_QUALIFICATION_TOLERANCE:
            findings.append(
                (
                    Result.WARN,
                    f"You claim {area.years} years in {area.practice_area} but were first admitted "
                    f"{post_qualification} years ago.",
                )
            )
    legal_roles = profile.experiences.filter(kind__in=Experience.LEGAL_KINDS).exists()
    if profile.seniority_years == 0 and post_qualification >= 2 and not legal_roles:
        findings.append((Result.WARN, "No law-firm or in-house role is listed since your admission."))
    return _worst(findings, passed="Admission years are consistent with your experience.")


def check_documents(profile: LawyerProfile, *, today: dt.date) -> CheckOutcome:
    documents = list(profile.documents.all())
    findings: list[tuple[str, str]] = []
    present = {document.kind for document in documents}
    for kind, label in Document.Kind.choices:
        if kind not in present:
            findings.append((Result.FAIL, f"No {label} uploaded."))
    max_bytes = document_max_bytes()
    for document in documents:
        name = f"{document.get_kind_display()} “{document.original_filename}”"
        if document.content_type not in ALLOWED_CONTENT_TYPES or document.size > max_bytes:
            findings.append((Result.FAIL, f"{name} is not an allowed PDF or Word file under the size limit."))
            continue
        try:
            with document.file.open("rb") as stored:
                actual = detect_document_type(stored)
        except OSError:
            findings.append((Result.FAIL, f"{name} cannot be read; upload it again."))
            continue
        if actual != document.content_type:
            findings.append((Result.FAIL, f"{name} is not the file type it claims to be; upload it again."))
    return _worst(findings, passed="CV and bar certificate are present and valid.")


def check_sanctions(profile: LawyerProfile, *, today: dt.date) -> CheckOutcome:
    name = normalise_organisation_name(profile.user.full_name)
    matches = Q(name_normalised=name) if name else Q(pk__in=[])
    for admission in _admissions(profile):
        number = normalise_registration_number(admission.registration_number)
        matches |= Q(registration_number=number) & (
            Q(jurisdiction_id=admission.jurisdiction_id) | Q(jurisdiction__isnull=True)
        )
    hits = list(SanctionedEntry.objects.filter(matches).values_list("source", flat=True)[:5])
    if hits:
        sources = ", ".join(sorted(set(hits)))
        return CheckOutcome(
            Result.FAIL,
            f"Matches an entry on a sanctions or disciplinary list ({sources}). Staff will review.",
        )
    return CheckOutcome(Result.PASS, "No match on the sanctions lists.")


Check = Callable[..., CheckOutcome]

CHECKS: dict[str, Check] = {
    Name.COMPLETENESS: check_completeness,
    Name.REGISTRATION_FORMAT: check_registration_format,
    Name.REGISTRATION_DUPLICATE: check_registration_duplicate,
    Name.ADMISSION_YEAR: check_admission_year,
    Name.DOCUMENTS: check_documents,
    Name.SANCTIONS: check_sanctions,
}

# Which checks an edit to each part of a profile can change the result of.
CHECKS_AFTER_EDIT: dict[str, tuple[str, ...]] = {
    "basics": (Name.COMPLETENESS, Name.SANCTIONS),
    "admissions": (
        Name.COMPLETENESS,
        Name.REGISTRATION_FORMAT,
        Name.REGISTRATION_DUPLICATE,
        Name.ADMISSION_YEAR,
        Name.SANCTIONS,
    ),
    "practice_areas": (Name.COMPLETENESS, Name.ADMISSION_YEAR),
    "languages": (Name.COMPLETENESS,),
    "experiences": (Name.COMPLETENESS, Name.ADMISSION_YEAR),
    "unavailabilities": (),
    "declared_conflicts": (),
    "documents": (Name.COMPLETENESS, Name.DOCUMENTS),
}

# What to do about each check, shown next to a failing or warning result.
HOW_TO_FIX: dict[str, str] = {
    Name.COMPLETENESS: "Fill in the sections listed.",
    Name.REGISTRATION_FORMAT: "Correct the registration number under Bar admissions.",
    Name.REGISTRATION_DUPLICATE: "Check your registration numbers under Bar admissions.",
    Name.ADMISSION_YEAR: "Check admission years and add any missing roles under Experience.",
    Name.DOCUMENTS: "Upload your CV and bar certificate as PDF or Word files under Documents.",
    Name.SANCTIONS: "No action needed from you: the talent team will be in touch.",
}

"""The demo network: deterministic, plausible lawyers built from a seed and an index, as plain data.

Lawyer `i` of seed `s` is the same whatever the number asked for or the chunk it is written in: each
lawyer draws from its own `random.Random` (and seeds Faker from it), so `seed_demo` can write in
chunks, resume an interrupted run, and top up 300 lawyers to 1,000 without changing the first 300.
The output depends only on the seed, the index, the reference data (active jurisdictions, practice
areas) and the day it runs (dates are relative to today). Nothing here touches the database.

The data is what the portal and the vetting services would have produced: seniority derived by
`lawyers.rules.seniority_years`, registration numbers in the formats `lawyers.vetting` checks and
unique per jurisdiction, experience consistent with the admission years, a vetting decision for
every status change, and verified admissions exactly where a vetted profile needs them.
"""

import datetime as dt
import random
import re
import unicodedata
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from itertools import accumulate
from typing import Generic, TypeVar

from faker import Faker

from lawyers.models import Experience, LanguageSkill, LawyerProfile, PracticeAreaExperience
from lawyers.rules import seniority_years

Status = LawyerProfile.Status
T = TypeVar("T")

LAWYER_EMAIL_DOMAIN = "lawyers.demo"
# Registration-number spaces hold at least this many lawyers per jurisdiction without a repeat.
MAX_DEMO_LAWYERS = 100_000
DEMO_CHANGE_REASON = "Demo data (seed_demo)"

# --- reference data, as the generator sees it --------------------------------------------------------


@dataclass(frozen=True)
class JurisdictionInfo:
    id: int
    code: str
    name: str
    currency: str
    languages: tuple[str, ...]

    @property
    def country(self) -> str:
        return self.code.split("-", 1)[0]


@dataclass(frozen=True)
class AreaInfo:
    id: int
    slug: str
    name: str
    parent_id: int | None


@dataclass(frozen=True)
class Reference:
    """Active jurisdictions and leaf practice areas, in a fixed order (by code, by slug)."""

    jurisdictions: tuple[JurisdictionInfo, ...]
    areas: tuple[AreaInfo, ...]


# --- what one lawyer is made of -------------------------------------------------------------------


@dataclass(frozen=True)
class AdmissionSpec:
    jurisdiction: JurisdictionInfo
    registration_number: str
    year_admitted: int
    verified: bool


@dataclass(frozen=True)
class AreaSpec:
    area: AreaInfo
    years: int
    proficiency: int


@dataclass(frozen=True)
class RoleSpec:
    organisation: str
    role: str
    kind: str
    start_date: dt.date
    end_date: dt.date | None


@dataclass(frozen=True)
class DecisionSpec:
    from_status: str
    to_status: str
    by: str  # "lawyer", "staff" or "" (automatic)
    at: dt.datetime
    reason: str


@dataclass
class LawyerSpec:
    index: int
    first_name: str
    last_name: str
    email: str
    password: str
    joined_at: dt.datetime
    status: str
    headline: str
    bio: str
    hourly_rate: Decimal
    rate_currency: str
    weekly_capacity_hours: int
    seniority_years: int
    submitted_at: dt.datetime | None
    decided_at: dt.datetime | None
    decision_reason: str
    verified_at: dt.datetime | None
    admissions: list[AdmissionSpec] = field(default_factory=list)
    practice_areas: list[AreaSpec] = field(default_factory=list)
    languages: list[tuple[str, str]] = field(default_factory=list)
    roles: list[RoleSpec] = field(default_factory=list)
    unavailabilities: list[tuple[dt.date, dt.date, str]] = field(default_factory=list)
    conflicts: list[tuple[str, str]] = field(default_factory=list)
    decisions: list[DecisionSpec] = field(default_factory=list)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


# --- tables -----------------------------------------------------------------------------------------

# How often a lawyer's home (first) admission is in each jurisdiction; active ones not listed weigh 1.
HOME_WEIGHTS: dict[str, int] = {
    "US-NY": 16, "GB-ENG": 13, "US-CA": 10, "DE": 7, "SG": 5, "FR": 6, "US-TX": 5, "US-IL": 4,
    "US-DC": 4, "US-DE": 2, "US-FL": 3, "US-MA": 3, "US-WA": 2, "US-NJ": 3, "US-GA": 2, "US-PA": 3,
    "HK": 5, "IN": 5, "NL": 4, "CH": 3, "ES": 3, "IT": 3, "JP": 3, "CN": 3, "AU-NSW": 4, "AU-VIC": 2,
    "CA-ON": 4, "CA-QC": 2, "CA-BC": 2, "IE": 3, "BR": 3, "MX": 2, "AE": 3, "IL": 2, "SE": 2, "PL": 2,
    "BE": 2, "KR": 2, "ZA": 2,
}  # fmt: skip

# Where lawyers qualified elsewhere are most often also admitted.
HUB_WEIGHTS: dict[str, int] = {"US-NY": 8, "GB-ENG": 6, "IE": 2, "SG": 1, "HK": 1, "US-CA": 1, "US-DC": 1}

# Faker locales per jurisdiction (or country); several means a mix. Missing: en_US.
NAME_LOCALES: dict[str, tuple[str, ...]] = {
    "GB": ("en_GB",), "IE": ("en_IE", "en_IE", "ga_IE"), "DE": ("de_DE",), "AT": ("de_AT",),
    "CH": ("de_CH", "de_CH", "fr_CH"), "FR": ("fr_FR",), "NL": ("nl_NL",), "BE": ("nl_BE", "fr_BE"),
    "LU": ("fr_FR", "de_DE"), "ES": ("es_ES",), "IT": ("it_IT",), "PT": ("pt_PT",), "SE": ("sv_SE",),
    "DK": ("da_DK",), "NO": ("no_NO",), "FI": ("fi_FI",), "PL": ("pl_PL",), "IN": ("en_IN",),
    "JP": ("ja_JP",), "CN": ("zh_CN",), "HK": ("zh_TW", "zh_TW", "en_GB"), "SG": ("zh_CN", "en_GB", "en_IN"),
    "AU": ("en_AU",), "NZ": ("en_NZ",), "CA": ("en_CA",), "CA-QC": ("fr_CA",), "BR": ("pt_BR",),
    "MX": ("es_MX",), "ZA": ("zu_ZA", "en_GB"), "KE": ("en_KE",), "NG": ("en_NG", "yo_NG"), "KY": ("en_GB",),
    "US": ("en_US",),
}  # fmt: skip
# Locales whose names Faker only has in a script other than Latin: romanised by hand.
ROMANISED_NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "IL": (
        ("Noa", "Yael", "Tamar", "Maya", "Shira", "Avigail", "Michal", "Daniel", "Yosef", "Itai", "Eitan",
         "Omer", "Noam", "Ariel", "Amit", "Yonatan", "Lior", "Ronit", "Gil", "Dafna"),
        ("Cohen", "Levi", "Mizrahi", "Peretz", "Biton", "Friedman", "Avraham", "Katz", "Shapiro",
         "Azoulay", "Dahan", "Ben-David", "Goldberg", "Rosenberg", "Halevi", "Shalev", "Carmel", "Barak",
         "Segal", "Oren"),
    ),
    "AE": (
        ("Ahmed", "Fatima", "Mohammed", "Aisha", "Omar", "Mariam", "Khalid", "Noora", "Rashid", "Layla",
         "Saeed", "Hessa", "Yousef", "Shamma", "Hamdan", "Reem", "Sultan", "Amna", "Tariq", "Sara"),
        ("Al Mansoori", "Al Nuaimi", "Al Suwaidi", "Al Hashimi", "Al Mazrouei", "Al Falasi", "Al Ketbi",
         "Al Shamsi", "Al Marri", "Al Zaabi", "Haddad", "Khoury", "Nasser", "Saleh", "Aziz", "Farouk"),
    ),
    "KR": (
        ("Min-jun", "Seo-yeon", "Ji-ho", "Ha-eun", "Do-yun", "Ji-woo", "Joon-young", "Soo-ah", "Hyun-woo",
         "Eun-ji", "Sung-min", "Yu-na", "Tae-hyun", "Da-eun", "Jae-won", "Hye-jin"),
        ("Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han", "Oh", "Seo",
         "Shin"),
    ),
}  # fmt: skip

# Hourly rates per currency: (lowest for a junior, highest for the most senior), and rounding step.
RATE_BANDS: dict[str, tuple[int, int, int]] = {
    "USD": (250, 900, 5), "GBP": (200, 700, 5), "EUR": (180, 600, 5), "CHF": (300, 850, 10),
    "SEK": (2000, 6500, 50), "DKK": (1800, 5500, 50), "NOK": (2000, 6500, 50), "PLN": (500, 1800, 10),
    "ILS": (700, 2500, 10), "AED": (900, 3200, 10), "SGD": (300, 1100, 10), "HKD": (2000, 7000, 50),
    "CNY": (1500, 5000, 50), "JPY": (30000, 110000, 1000), "KRW": (300000, 1000000, 10000),
    "INR": (4000, 16000, 100), "AUD": (350, 1100, 10), "NZD": (300, 850, 10), "CAD": (300, 1000, 10),
    "BRL": (500, 2200, 10), "MXN": (3000, 12000, 100), "ZAR": (2000, 7500, 50), "KES": (15000, 60000, 500),
    "NGN": (100000, 450000, 5000), "KYD": (300, 900, 5),
}  # fmt: skip

AREA_WEIGHTS: dict[str, int] = {
    "m-and-a": 10, "private-equity": 5, "venture-capital": 4, "corporate-governance": 4,
    "commercial-litigation": 9, "international-arbitration": 5, "ediscovery": 4, "investigations": 3,
    "data-privacy": 6, "financial-regulation": 4, "energy": 3, "banking": 5, "capital-markets": 4,
    "restructuring-insolvency": 3, "funds": 3, "employment-advisory": 5, "commercial-real-estate": 4,
    "commercial-contracts-saas": 6, "ai-emerging-technology": 3,
}  # fmt: skip

STATUS_WEIGHTS: dict[str, int] = {
    Status.VETTED: 85, Status.APPLIED: 3, Status.IN_REVIEW: 4, Status.REJECTED: 3, Status.SUSPENDED: 2,
    Status.DRAFT: 3,
}  # fmt: skip

# Fictional firms and companies (no real organisation is named in demo data).
LAW_FIRMS: tuple[str, ...] = (
    "Ashford & Lyle LLP", "Bramwell Carter LLP", "Calloway Reyes LLP", "Dunmore Whitcombe LLP",
    "Everleigh Stone LLP", "Fairbanks Holloway LLP", "Greyfriars Legal LLP", "Hartwell & Crane LLP",
    "Ingram Mortimer LLP", "Kestrel Law LLP", "Linden Marsh LLP", "Marlowe Pryce LLP",
    "Northgate Vance LLP", "Oakley Fenwick LLP", "Pemberton Quill LLP", "Radcliffe Hale LLP",
    "Sterling Ashby LLP", "Thorne & Whitlock LLP", "Underhill Brooks LLP", "Westbrook Ames LLP",
)  # fmt: skip
LOCAL_LAW_FIRMS: dict[str, tuple[str, ...]] = {
    "DE": ("Kessler Brandt Rechtsanwälte", "Hoffmann Weiss PartG mbB", "Lindqvist & Adler Rechtsanwälte"),
    "AT": ("Hoffmann Weiss PartG mbB", "Steiner Auer Rechtsanwälte"),
    "CH": ("Baumann Favre Avocats", "Keller Rossi Rechtsanwälte"),
    "FR": ("Moreau Laval Avocats", "Duval & Associés", "Lefèvre Garnier Avocats"),
    "BE": ("Peeters Dumont Advocaten", "Janssens & Lambert"),
    "NL": ("Van Dijk De Vries Advocaten", "Bakker Visser N.V."),
    "ES": ("Navarro Ibáñez Abogados", "Ortega & Serrano Abogados"),
    "IT": ("Bianchi Ferraro Studio Legale", "Ricci Marino & Associati"),
    "JP": ("Takahashi Mori Law Office", "Sakura Gaikokuho Jimu Bengoshi Jimusho"),
    "CN": ("Jinghua Partners", "Huayu Law Firm"),
    "BR": ("Almeida Costa Advogados", "Pereira Lima Advogados"),
    "MX": ("Herrera Castillo Abogados", "Vega & Morales S.C."),
    "IN": ("Mehra Iyer & Co.", "Kapoor Desai Associates"),
    "SE": ("Lindgren Holm Advokatbyrå",),
    "PL": ("Nowak Zielinski sp.k.",),
}
COMPANIES: tuple[str, ...] = (
    "Northwind Traders", "Contoso Ltd", "Fabrikam Inc", "Tailspin Toys", "Wide World Importers",
    "Adventure Works", "Blue Yonder Airlines", "Litware Inc", "Proseware Inc", "Woodgrove Bank",
    "Alpine Ski House", "Coho Winery", "Lucerne Publishing", "Trey Research", "Fourth Coffee",
    "Humongous Insurance", "Wingtip Toys", "Southridge Video", "Relecloud", "Lamna Healthcare",
)  # fmt: skip
# Counterparties demo matters can name; some lawyers declare conflicts with (or worked for) them.
DEMO_COUNTERPARTIES: tuple[str, ...] = (
    "Initech", "Umbrella Corporation", "Stark Industries", "Wayne Enterprises", "Cyberdyne Systems",
    "Tyrell Corporation", "Soylent Corporation", "Hooli", "Vandelay Industries", "Wonka Industries",
    "Oscorp", "Massive Dynamic", "Aperture Science", "Dunder Mifflin", "Pied Piper", "Sirius Cybernetics",
)  # fmt: skip
CONFLICT_NOTES = ("Former client", "Acts for a company in the group", "Family member works there", "")
UNAVAILABILITY_REASONS = (
    "Annual leave",
    "Parental leave",
    "Conference",
    "Trial commitments",
    "Sabbatical",
    "",
)
REJECTION_REASONS = (
    "We could not confirm your registration number with the register.",
    "Your experience does not yet meet the network's minimum for your practice areas.",
    "Your bar certificate has expired; resubmit with a current one.",
)
SUSPENSION_REASONS = (
    "Practising certificate lapsed: suspended until it is renewed.",
    "Did not answer offers for three months: suspended at the lawyer's request.",
)
EXTRA_LANGUAGES = ("fr", "de", "es", "zh", "ar", "pt", "it", "ja", "ru", "nl")

# Registration-number styles: (prefix, digits, year suffix). The digits come from a bijection of the
# lawyer's index, so numbers never repeat within a jurisdiction. Six digits or more except Singapore,
# whose format (`lawyers.vetting.REGISTRATION_FORMATS`) is the admission year and a 5-digit serial.
NUMBER_STYLES: dict[str, tuple[str, int, bool]] = {
    "US-NY": ("", 7, False), "US-CA": ("", 6, False), "US-TX": ("", 8, False), "US-IL": ("", 7, False),
    "US-FL": ("", 7, False), "US-NJ": ("", 9, False), "GB-ENG": ("", 6, False), "GB-WLS": ("", 6, False),
    "GB-SCT": ("LSS", 6, False), "GB-NIR": ("NI", 6, False), "DE": ("", 6, False), "FR": ("P", 6, False),
    "IN": ("D/", 6, True), "BR": ("OAB", 6, False), "ES": ("ICAM", 6, False), "IT": ("AVV", 6, False),
    "CA-ON": ("LSO", 6, False), "CA-QC": ("BQ", 6, False), "CA-BC": ("LSBC", 6, False),
    "AU-NSW": ("NSW", 6, False), "AU-VIC": ("VIC", 6, False), "HK": ("HKS", 6, False),
    "JP": ("JFBA", 6, False), "KR": ("KBA", 6, False), "CN": ("", 17, False),
}  # fmt: skip
_MULTIPLIER = 1_000_003  # prime, so coprime with every 9·10^k and 10^k space: a bijection


def number_space(code: str) -> int:
    """How many distinct registration numbers the style of `code` has (the bijection's modulus)."""
    if code == "SG":
        return 100_000
    _, digits, _ = NUMBER_STYLES.get(code, ("", 6, False))
    return 9 * 10 ** (digits - 1)


def registration_number(code: str, x: int, year: int) -> str:
    """The `x`-th registration number of jurisdiction `code` (x < number_space(code)), normalised.

    Different x give different numbers; the same (code, x) always gives the same number.
    """
    space = number_space(code)
    offset = zlib.crc32(code.encode()) % space
    serial = (_MULTIPLIER * x + offset) % space
    if code == "SG":
        return f"{year}/{serial:05d}"
    prefix, digits, year_suffix = NUMBER_STYLES.get(code, ("", 6, False))
    number = f"{prefix}{10 ** (digits - 1) + serial}"
    return f"{number}/{year}" if year_suffix else number


# --- names and emails -------------------------------------------------------------------------------

_FOLD = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ß": "ss", "ł": "l", "Ł": "L", "đ": "d"})
_NOT_EMAIL = re.compile(r"[^a-z0-9-]+")


def _email_part(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name.translate(_FOLD)).encode("ascii", "ignore").decode()
    return _NOT_EMAIL.sub("", "-".join(folded.lower().split())).strip("-")


def lawyer_email(first_name: str, last_name: str, index: int) -> str:
    """`firstname.lastname.<n>@lawyers.demo`, n = index + 1: unique by construction, obviously fake."""
    first, last = _email_part(first_name) or "lawyer", _email_part(last_name) or "demo"
    return f"{first}.{last}.{index + 1}@{LAWYER_EMAIL_DOMAIN}"


# Names drawn per locale: each lawyer picks a first and a last name from these (with its own
# generator), which is much faster than asking Faker per lawyer and just as deterministic.
NAME_POOL_SIZE = 500
_ROMANISED_LOCALES = ("ja_JP", "zh_CN", "zh_TW")


@cache
def name_pool(locale: str, seed: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """First and last names from Faker's `locale`, seeded with (seed, locale): same seed, same names."""
    fake = Faker(locale)
    fake.seed_instance(zlib.crc32(f"{seed}:{locale}".encode()))
    if locale in _ROMANISED_LOCALES:
        first = [fake.first_romanized_name().title() for _ in range(NAME_POOL_SIZE)]
        last = [fake.last_romanized_name().title() for _ in range(NAME_POOL_SIZE)]
    else:
        first = [fake.first_name() for _ in range(NAME_POOL_SIZE)]
        last = [fake.last_name() for _ in range(NAME_POOL_SIZE)]
    return tuple(first), tuple(last)


# --- the generator ----------------------------------------------------------------------------------


class _Choice(Generic[T]):
    """Items with weights, drawn from with a caller's random generator."""

    def __init__(self, items: Sequence[T], weights: Sequence[int]) -> None:
        self.items = tuple(items)
        self.cum_weights = tuple(accumulate(weights))

    def __bool__(self) -> bool:
        return bool(self.items)

    def pick(self, rng: random.Random) -> T:
        return rng.choices(self.items, cum_weights=self.cum_weights, k=1)[0]


def _round_to(value: float, step: int) -> Decimal:
    return Decimal(max(step, round(value / step) * step))


class DemoNetwork:
    """Generates demo lawyer `index` for a seed, against a snapshot of the reference data."""

    def __init__(self, *, seed: int, reference: Reference, today: dt.date) -> None:
        if not reference.jurisdictions:
            raise ValueError("No active jurisdiction: load the reference data first (manage.py migrate).")
        if not reference.areas:
            raise ValueError("No practice area: load the reference data first (manage.py migrate).")
        self.seed = seed
        self.today = today
        # Timestamps are relative to the start of today (UTC), so two runs on one day agree exactly.
        self.now = dt.datetime.combine(today, dt.time(0, 0), tzinfo=dt.UTC)
        self.jurisdictions = reference.jurisdictions
        self.by_code = {j.code: j for j in reference.jurisdictions}
        self.homes = _Choice(self.jurisdictions, [HOME_WEIGHTS.get(j.code, 1) for j in self.jurisdictions])
        hubs = [self.by_code[code] for code in HUB_WEIGHTS if code in self.by_code]
        self.hubs = _Choice(hubs, [HUB_WEIGHTS[j.code] for j in hubs])
        self.siblings = {
            j.code: _Choice(siblings, [HOME_WEIGHTS.get(s.code, 1) for s in siblings])
            for j in self.jurisdictions
            for siblings in [[s for s in self.jurisdictions if s.country == j.country and s != j]]
        }
        self.areas = reference.areas
        self.area_choice = _Choice(self.areas, [AREA_WEIGHTS.get(a.slug, 2) for a in self.areas])
        self.statuses = _Choice(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()))
        self._name_pools: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}

    def rng(self, index: int) -> random.Random:
        return random.Random(f"seed-demo:{self.seed}:{index}")

    def email(self, index: int) -> str:
        """Only the email of lawyer `index` (cheap: the name is the first thing each lawyer draws)."""
        rng = self.rng(index)
        home = self._home(rng)
        first, last = self._name(home, rng)
        return lawyer_email(first, last, index)

    def _home(self, rng: random.Random) -> JurisdictionInfo:
        return self.homes.pick(rng)

    def _name(self, home: JurisdictionInfo, rng: random.Random) -> tuple[str, str]:
        pool = ROMANISED_NAMES.get(home.country)
        if pool is None:
            locale = rng.choice(NAME_LOCALES.get(home.code) or NAME_LOCALES.get(home.country) or ("en_US",))
            if locale not in self._name_pools:
                self._name_pools[locale] = name_pool(locale, self.seed)
            pool = self._name_pools[locale]
        return rng.choice(pool[0]), rng.choice(pool[1])

    def lawyer(self, index: int) -> LawyerSpec:
        rng = self.rng(index)
        home = self._home(rng)
        first, last = self._name(home, rng)
        today, year = self.today, self.today.year

        # Post-qualification years: most between 3 and 15, a long tail of seniors.
        pq = min(40, max(1, int(rng.gammavariate(2.2, 4.8)) + 1))
        home_year = year - pq
        jurisdictions = [home, *self._other_admissions(rng, home)]
        years = [home_year] + [rng.randint(home_year, year - 1) for _ in jurisdictions[1:]]

        roles = self._roles(rng, home, home_year)
        seniority = seniority_years(
            admission_years=years,
            legal_experience=[(r.start_date, r.end_date) for r in roles if r.kind in Experience.LEGAL_KINDS],
            today=today,
        )
        areas = self._areas(rng, pq)
        currency = home.currency if home.currency in RATE_BANDS else "USD"
        low, high, step = RATE_BANDS[currency]
        position = min(1.0, seniority / 25) * rng.uniform(0.75, 1.15) + rng.uniform(-0.05, 0.1)
        rate = _round_to(low + (high - low) * min(1.0, max(0.0, position)), step)

        status = str(self.statuses.pick(rng))
        submitted_at = self.now - dt.timedelta(days=rng.randint(20, 900), minutes=rng.randint(0, 1439))
        if status in (Status.APPLIED, Status.IN_REVIEW):
            submitted_at = self.now - dt.timedelta(days=rng.randint(0, 6), minutes=rng.randint(60, 1439))
        joined_at = submitted_at - dt.timedelta(days=rng.randint(0, 14), minutes=rng.randint(5, 600))
        decisions, decided_at, reason, verified_at = self._decisions(rng, status, submitted_at)
        if status == Status.DRAFT:
            submitted_at = None
        verified_statuses = (Status.VETTED, Status.SUSPENDED)
        admissions = [
            AdmissionSpec(
                jurisdiction=j,
                registration_number=registration_number(j.code, index, admitted),
                year_admitted=admitted,
                verified=status in verified_statuses
                or (status == Status.IN_REVIEW and n == 0 and rng.random() < 0.5),
            )
            for n, (j, admitted) in enumerate(zip(jurisdictions, years, strict=True))
        ]
        if status == Status.IN_REVIEW and admissions[0].verified:
            verified_at = decisions[-1].at + dt.timedelta(minutes=rng.randint(1, 25))

        current = roles[-1]
        title = (
            "in-house counsel"
            if current.kind == Experience.Kind.IN_HOUSE
            else rng.choice(("lawyer", "counsel", "specialist"))
        )
        places = " and ".join(j.name for j in jurisdictions[:2])
        spec = LawyerSpec(
            index=index,
            first_name=first,
            last_name=last,
            email=lawyer_email(first, last, index),
            password="!"
            + "".join(rng.choices("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", k=40)),
            joined_at=joined_at,
            status=status,
            headline=f"{areas[0].area.name} {title}, {places}"[:200],
            bio=(
                f"{pq} years' post-qualification experience, admitted in {places}. "
                f"Focus on {', '.join(a.area.name for a in areas)}. "
                f"{'Currently' if current.end_date is None else 'Most recently'} {current.role} at "
                f"{current.organisation}."
            ),
            hourly_rate=rate,
            rate_currency=currency,
            weekly_capacity_hours=rng.choice((10, 15, 20, 20, 25, 30, 35, 40)),
            seniority_years=seniority,
            submitted_at=submitted_at,
            decided_at=decided_at,
            decision_reason=reason,
            verified_at=verified_at,
            admissions=admissions,
            practice_areas=areas,
            languages=self._languages(rng, jurisdictions),
            roles=roles,
            unavailabilities=self._unavailabilities(rng),
            conflicts=self._conflicts(rng),
            decisions=decisions,
        )
        return spec

    def _other_admissions(self, rng: random.Random, home: JurisdictionInfo) -> list[JurisdictionInfo]:
        count = rng.choices((0, 1, 2), weights=(55, 35, 10), k=1)[0]
        chosen: list[JurisdictionInfo] = []
        siblings = self.siblings[home.code]
        for _ in range(count):
            from_siblings = siblings and rng.random() < (0.7 if home.country == "US" else 0.4)
            pool = siblings if from_siblings else self.hubs
            if not pool:
                continue
            pick = pool.pick(rng)
            if pick != home and pick not in chosen:
                chosen.append(pick)
        return chosen

    def _roles(self, rng: random.Random, home: JurisdictionInfo, home_year: int) -> list[RoleSpec]:
        """1–4 consecutive roles from about the admission year to today; the last one is current."""
        today = self.today
        start = dt.date(home_year + rng.choice((-1, 0, 0, 0, 1)), rng.choice((1, 3, 9, 9, 10)), 1)
        start = min(start, today - dt.timedelta(days=60))
        span_years = max(1, (today - start).days // 365)
        count = min(rng.choices((1, 2, 3, 4), weights=(25, 35, 28, 12), k=1)[0], max(1, span_years // 2))
        # Cut points between roles, in whole months from the start.
        months = max(count, (today.year - start.year) * 12 + today.month - start.month)
        cuts = sorted(rng.sample(range(1, months), count - 1)) if count > 1 else []
        firms = LOCAL_LAW_FIRMS.get(home.country, ()) + LAW_FIRMS
        roles: list[RoleSpec] = []
        previous = start
        for n in range(count):
            begin = previous
            end = _add_months(start, cuts[n]) - dt.timedelta(days=1) if n < len(cuts) else None
            if n == count - 1 and rng.random() < 0.08:  # between roles, taking work through the network
                end = today - dt.timedelta(days=rng.randint(30, 300))
                end = max(end, begin)
            years_in = ((end or today).year - start.year) + 1  # the title they reached in the role
            in_house = n > 0 and rng.random() < 0.3
            if in_house:
                organisation = (
                    rng.choice(DEMO_COUNTERPARTIES) if rng.random() < 0.1 else rng.choice(COMPANIES)
                )
                role = _by_seniority(
                    years_in, ("Legal Counsel", "Senior Legal Counsel", "Head of Legal", "General Counsel")
                )
                kind = Experience.Kind.IN_HOUSE
            else:
                organisation = rng.choice(firms)
                role = _by_seniority(years_in, ("Associate", "Senior Associate", "Counsel", "Partner"))
                kind = Experience.Kind.LAW_FIRM
            roles.append(RoleSpec(organisation, role, kind, begin, end))
            if end is not None:
                previous = end + dt.timedelta(days=1)
        return roles

    def _areas(self, rng: random.Random, pq: int) -> list[AreaSpec]:
        count = rng.choices((1, 2, 3, 4), weights=(20, 40, 28, 12), k=1)[0]
        picked: list[AreaInfo] = []
        primary = self.area_choice.pick(rng)
        picked.append(primary)
        siblings = [a for a in self.areas if a.parent_id == primary.parent_id and a != primary]
        for _ in range(count - 1):
            area = rng.choice(siblings) if siblings and rng.random() < 0.5 else self.area_choice.pick(rng)
            if area not in picked:
                picked.append(area)
        specs = []
        for n, area in enumerate(picked):
            years = pq if n == 0 else max(1, int(pq * rng.uniform(0.3, 1.0)))
            years = min(years + rng.choice((0, 0, 1, 2)), 70)  # some training years before admission
            proficiency = (
                PracticeAreaExperience.Proficiency.LEADING
                if years >= 15 and rng.random() < 0.6
                else PracticeAreaExperience.Proficiency.EXPERT
                if years >= 8
                else PracticeAreaExperience.Proficiency.EXPERIENCED
                if years >= 3
                else PracticeAreaExperience.Proficiency.WORKING
            )
            specs.append(AreaSpec(area, years, int(proficiency)))
        return specs

    def _languages(self, rng: random.Random, jurisdictions: list[JurisdictionInfo]) -> list[tuple[str, str]]:
        home = jurisdictions[0]
        languages: dict[str, str] = {}
        native = home.languages[0] if home.languages else "en"
        if len(home.languages) > 1 and rng.random() < 0.3:
            native = rng.choice(home.languages)
        languages[native] = LanguageSkill.Level.NATIVE
        for code in home.languages[1:3]:
            if code not in languages and rng.random() < 0.5:
                languages[code] = rng.choice((LanguageSkill.Level.FLUENT, LanguageSkill.Level.WORKING))
        if "en" not in languages and rng.random() < 0.85:
            languages["en"] = rng.choice(
                (LanguageSkill.Level.FLUENT, LanguageSkill.Level.FLUENT, LanguageSkill.Level.WORKING)
            )
        if rng.random() < 0.15:
            languages.setdefault(rng.choice(EXTRA_LANGUAGES), LanguageSkill.Level.WORKING)
        return list(languages.items())[:4]

    def _unavailabilities(self, rng: random.Random) -> list[tuple[dt.date, dt.date, str]]:
        count = rng.choices((0, 1, 2), weights=(55, 35, 10), k=1)[0]
        ranges = []
        start = self.today + dt.timedelta(days=rng.randint(-30, 60))
        for _ in range(count):
            end = start + dt.timedelta(days=rng.randint(2, 20))
            ranges.append((start, end, rng.choice(UNAVAILABILITY_REASONS)))
            start = end + dt.timedelta(days=rng.randint(20, 120))
        return ranges

    def _conflicts(self, rng: random.Random) -> list[tuple[str, str]]:
        if rng.random() >= 0.15:
            return []
        names = rng.sample(DEMO_COUNTERPARTIES, rng.choice((1, 1, 2, 3)))
        return [(name, rng.choice(CONFLICT_NOTES)) for name in names]

    def _decisions(
        self, rng: random.Random, status: str, submitted_at: dt.datetime
    ) -> tuple[list[DecisionSpec], dt.datetime | None, str, dt.datetime | None]:
        """The vetting decisions that lead to `status`, as `lawyers.services` records them.

        Returns (decisions, decided_at, decision_reason, when the admissions were verified).
        """
        if status == Status.DRAFT:
            return [], None, "", None
        decisions = [DecisionSpec(Status.DRAFT, Status.APPLIED, "lawyer", submitted_at, "")]
        reviewed_at = submitted_at + dt.timedelta(minutes=rng.randint(1, 30))
        if status == Status.APPLIED:
            return decisions, None, "", None
        decisions.append(
            DecisionSpec(Status.APPLIED, Status.IN_REVIEW, "", reviewed_at, "Automated checks finished.")
        )
        if status == Status.IN_REVIEW:
            return decisions, None, "", None
        decided_at = reviewed_at + dt.timedelta(days=rng.randint(1, 10), minutes=rng.randint(0, 600))
        if status == Status.REJECTED:
            reason = rng.choice(REJECTION_REASONS)
            decisions.append(DecisionSpec(Status.IN_REVIEW, Status.REJECTED, "staff", decided_at, reason))
            return decisions, decided_at, reason, None
        verified_at = decided_at - dt.timedelta(minutes=rng.randint(5, 120))
        decisions.append(DecisionSpec(Status.IN_REVIEW, Status.VETTED, "staff", decided_at, ""))
        if status == Status.VETTED:
            return decisions, decided_at, "", verified_at
        suspended_at = min(
            decided_at + dt.timedelta(days=rng.randint(10, 300)), self.now - dt.timedelta(hours=1)
        )
        reason = rng.choice(SUSPENSION_REASONS)
        decisions.append(DecisionSpec(Status.VETTED, Status.SUSPENDED, "staff", suspended_at, reason))
        return decisions, suspended_at, reason, verified_at


def _add_months(day: dt.date, months: int) -> dt.date:
    total = day.year * 12 + day.month - 1 + months
    return dt.date(total // 12, total % 12 + 1, 1)


def _by_seniority(years: int, titles: tuple[str, str, str, str]) -> str:
    return titles[0] if years < 4 else titles[1] if years < 9 else titles[2] if years < 15 else titles[3]

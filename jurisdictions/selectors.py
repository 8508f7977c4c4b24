"""Reads for jurisdictions, practice areas and exchange rates. All of it is public reference data,
except exchange rates, which the API shows to signed-in users only."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet

from jurisdictions.models import ExchangeRate, Jurisdiction, PracticeArea


def jurisdictions_active() -> QuerySet[Jurisdiction]:
    """The jurisdictions lawyers and seats may use, with their parent."""
    return Jurisdiction.objects.filter(is_active=True).select_related("parent")


def jurisdictions_search(
    *, text: str = "", legal_system: str = "", country: str = "", include_inactive: bool = False
) -> QuerySet[Jurisdiction]:
    """Jurisdictions (active only unless asked) matching a name or code fragment, legal system and
    ISO 3166-1 country (the country itself and its subdivisions), by code, with their parent."""
    jurisdictions = Jurisdiction.objects.select_related("parent").order_by("code")
    if not include_inactive:
        jurisdictions = jurisdictions.filter(is_active=True)
    text = text.strip()
    if text:
        jurisdictions = jurisdictions.filter(Q(code__icontains=text) | Q(name__icontains=text))
    if legal_system:
        jurisdictions = jurisdictions.filter(legal_system=legal_system)
    if country:
        jurisdictions = jurisdictions_in_country(jurisdictions, country=country)
    return jurisdictions


def jurisdictions_in_country(
    jurisdictions: QuerySet[Jurisdiction], *, country: str
) -> QuerySet[Jurisdiction]:
    """Narrow to one ISO 3166-1 country: ISO 3166-2 codes start with the country's code."""
    country = country.strip().upper()
    return jurisdictions.filter(Q(code=country) | Q(code__startswith=f"{country}-"))


def countries_with_jurisdictions(*, include_inactive: bool = False) -> QuerySet[Jurisdiction]:
    """Countries to filter by: all of them, or those active themselves or through a subdivision."""
    countries = Jurisdiction.objects.filter(kind=Jurisdiction.Kind.COUNTRY).order_by("name")
    if include_inactive:
        return countries
    return countries.filter(Q(is_active=True) | Q(children__is_active=True)).distinct()


def jurisdiction_with_ancestors() -> QuerySet[Jurisdiction]:
    """Jurisdictions with up to three levels of parents (the deepest ISO 3166-2 chain)."""
    return Jurisdiction.objects.select_related("parent__parent__parent")


def jurisdiction_ancestors(jurisdiction: Jurisdiction) -> list[Jurisdiction]:
    """Parents from the country down, from what `jurisdiction_with_ancestors` already fetched."""
    ancestors = []
    current = jurisdiction.parent
    while current is not None:
        ancestors.append(current)
        current = current.parent
    return ancestors[::-1]


def jurisdiction_children(*, jurisdiction: Jurisdiction) -> QuerySet[Jurisdiction]:
    """The direct subdivisions of a jurisdiction, active ones first."""
    return jurisdiction.children.order_by("-is_active", "code")


def practice_areas_with_parent() -> QuerySet[PracticeArea]:
    """Every practice area with its parent, top-level areas first."""
    return PracticeArea.objects.select_related("parent")


@dataclass(frozen=True)
class PracticeAreaBranch:
    area: PracticeArea
    children: list[PracticeArea]


def practice_area_tree() -> list[PracticeAreaBranch]:
    """The two-level taxonomy, top-level areas and their children by name, in one query."""
    # Sorted here, not in SQL: "eDiscovery" belongs among the Es, whatever the database's collation.
    areas = sorted(PracticeArea.objects.all(), key=lambda area: area.name.casefold())
    children: dict[int, list[PracticeArea]] = {}
    for area in areas:
        if area.parent_id is not None:
            children.setdefault(area.parent_id, []).append(area)
    return [
        PracticeAreaBranch(area=area, children=children.get(area.pk, []))
        for area in areas
        if area.parent_id is None
    ]


def exchange_rates() -> QuerySet[ExchangeRate]:
    """The rates staff maintain, by currency code."""
    return ExchangeRate.objects.order_by("currency")


def exchange_rates_current() -> dict[str, Decimal]:
    """US dollars per unit of each currency staff maintain a rate for, for `money.convert`."""
    return dict(ExchangeRate.objects.values_list("currency", "rate_to_usd"))

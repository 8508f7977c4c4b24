"""Public pages: browse jurisdictions, one jurisdiction, the practice-area taxonomy."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from jurisdictions.forms import JurisdictionFilterForm
from jurisdictions.selectors import (
    countries_with_jurisdictions,
    jurisdiction_ancestors,
    jurisdiction_children,
    jurisdiction_with_ancestors,
    jurisdictions_search,
    practice_area_tree,
)

JURISDICTIONS_PER_PAGE = 50


def jurisdiction_list(request: HttpRequest) -> HttpResponse:
    include_inactive = request.GET.get("all") in {"on", "1", "true"}
    countries = countries_with_jurisdictions(include_inactive=include_inactive).values_list("code", "name")
    form = JurisdictionFilterForm(
        request.GET or None, countries=[(code, f"{name} ({code})") for code, name in countries]
    )
    filters: dict[str, object] = {}
    if form.is_bound:
        # An invalid filter shows its error next to the field and is otherwise ignored.
        form.is_valid()
        filters = form.cleaned_data
    jurisdictions = jurisdictions_search(
        text=filters.get("q") or "",
        legal_system=filters.get("legal_system") or "",
        country=filters.get("country") or "",
        include_inactive=include_inactive,
    )
    page = Paginator(jurisdictions, JURISDICTIONS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, "page_obj": page, "include_inactive": include_inactive}
    return render(request, "jurisdictions/list.html", context)


def jurisdiction_detail(request: HttpRequest, code: str) -> HttpResponse:
    if code != code.upper():
        return redirect("jurisdictions:detail", code=code.upper(), permanent=True)
    jurisdiction = get_object_or_404(jurisdiction_with_ancestors(), code=code)
    context = {
        "jurisdiction": jurisdiction,
        "ancestors": jurisdiction_ancestors(jurisdiction),
        "children": list(jurisdiction_children(jurisdiction=jurisdiction)),
    }
    return render(request, "jurisdictions/detail.html", context)


def practice_area_list(request: HttpRequest) -> HttpResponse:
    return render(request, "jurisdictions/practice_areas.html", {"tree": practice_area_tree()})

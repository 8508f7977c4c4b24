"""Public pages: browse jurisdictions, one jurisdiction, the practice-area taxonomy.

The same for every visitor, so each page's content is rendered once per change of the reference data
(jurisdictions.cache) and only the layout around it per request.
"""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from jurisdictions import cache
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
# The list is cached for browsing (filters from fixed choices, a page number), not for free-text search.
_LIST_CACHED_PARAMS = {"q", "legal_system", "country", "all", "page"}
_LIST_CACHED_QUERY_MAX = 120


def _countries(*, include_inactive: bool) -> list[tuple[str, str]]:
    return cache.cached(
        f"countries:{int(include_inactive)}",
        lambda: [
            (code, f"{name} ({code})")
            for code, name in countries_with_jurisdictions(include_inactive=include_inactive).values_list(
                "code", "name"
            )
        ],
    )


# The order the filter form submits its fields in, the page last (as the pagination links add it).
_LIST_CACHED_ORDER = ["q", "legal_system", "country", "all", "page"]
_LIST_CACHED_PAGES = 20


def _list_cache_key(request: HttpRequest, form: JurisdictionFilterForm) -> str | None:
    """The raw query string (the pagination links keep it as it is) when it only browses; else None.

    Only a bounded set of queries is cached, whatever anyone sends: no search text, each parameter once
    and in the form's order, valid filter values, the checkbox as browsers send it, and the first
    pages of the whole list or the first page of a filtered one. Anything else is computed each time.
    """
    query = request.META.get("QUERY_STRING", "")
    params = request.GET
    if len(query) > _LIST_CACHED_QUERY_MAX or not set(params) <= _LIST_CACHED_PARAMS:
        return None
    if any(len(params.getlist(name)) > 1 for name in params) or params.get("q", "").strip():
        return None
    if list(params) != [name for name in _LIST_CACHED_ORDER if name in params]:
        return None
    if params.get("all", "on") != "on":
        return None
    page = params.get("page", "1")
    filtered = bool(params.get("legal_system") or params.get("country"))
    last_cached = 1 if filtered else _LIST_CACHED_PAGES
    if not (page.isdigit() and not page.startswith("0") and int(page) <= last_cached):
        return None
    if form.is_bound and not form.is_valid():
        return None
    return f"list:{query}"


def jurisdiction_list(request: HttpRequest) -> HttpResponse:
    include_inactive = request.GET.get("all") in {"on", "1", "true"}
    form = JurisdictionFilterForm(
        request.GET or None, countries=_countries(include_inactive=include_inactive)
    )

    def content() -> SafeString:
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
        context = {"form": form, "page_obj": page, "include_inactive": include_inactive, "query": request.GET}
        return mark_safe(render_to_string("jurisdictions/_list_content.html", context))  # noqa: S308

    key = _list_cache_key(request, form)
    html = cache.cached(key, content) if key is not None else content()
    return render(request, "jurisdictions/list.html", {"content": html, "include_inactive": include_inactive})


def jurisdiction_detail(request: HttpRequest, code: str) -> HttpResponse:
    if code != code.upper():
        return redirect("jurisdictions:detail", code=code.upper(), permanent=True)

    def page() -> tuple[str, SafeString]:
        jurisdiction = get_object_or_404(jurisdiction_with_ancestors(), code=code)
        context = {
            "jurisdiction": jurisdiction,
            "ancestors": jurisdiction_ancestors(jurisdiction),
            "children": list(jurisdiction_children(jurisdiction=jurisdiction)),
        }
        html = render_to_string("jurisdictions/_detail_content.html", context)
        return str(jurisdiction), mark_safe(html)  # noqa: S308

    # An unknown code is a 404 (raised, so never cached).
    title, html = cache.cached(f"detail:{code}", page)
    return render(request, "jurisdictions/detail.html", {"title": title, "content": html})


def practice_area_list(request: HttpRequest) -> HttpResponse:
    def content() -> SafeString:
        html = render_to_string("jurisdictions/_practice_areas_content.html", {"tree": practice_area_tree()})
        return mark_safe(html)  # noqa: S308

    return render(
        request, "jurisdictions/practice_areas.html", {"content": cache.cached("practice-areas", content)}
    )

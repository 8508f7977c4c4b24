from django.urls import path, register_converter

from jurisdictions import views


class JurisdictionCodeConverter:
    """ISO 3166-1 (`DE`) or ISO 3166-2 (`US-NY`, `NL-BQ1`) codes, in any case (redirected to upper)."""

    regex = r"[A-Za-z]{2}(?:-[A-Za-z0-9]{1,3})?"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(JurisdictionCodeConverter, "jurisdiction_code")

app_name = "jurisdictions"

urlpatterns = [
    path("", views.jurisdiction_list, name="list"),
    path("practice-areas/", views.practice_area_list, name="practice-areas"),
    path("<jurisdiction_code:code>/", views.jurisdiction_detail, name="detail"),
]

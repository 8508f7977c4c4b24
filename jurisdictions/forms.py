from django import forms

from jurisdictions.models import Jurisdiction


class JurisdictionFilterForm(forms.Form):
    """The search box and filters above the jurisdiction list; every field is optional."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Name or code, e.g. New York or US-NY"}
        ),
    )
    legal_system = forms.ChoiceField(
        label="Legal system",
        required=False,
        choices=[("", "Any legal system"), *Jurisdiction.LegalSystem.choices],
    )
    country = forms.ChoiceField(label="Country", required=False)
    all = forms.BooleanField(label="Show all ISO jurisdictions", required=False)

    def __init__(self, *args: object, countries: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["country"].choices = [("", "Any country"), *countries]

"""Forms for posting and editing a matter with its seats. They check input; the services decide."""

from decimal import Decimal
from typing import Any

from django import forms
from django.forms import BaseFormSet, formset_factory

from engagements import rules
from engagements.models import Matter
from engagements.selectors import currencies_with_exchange_rates
from engagements.services import MatterInput, SeatInput
from jurisdictions.models import Jurisdiction, PracticeArea


class DateInput(forms.DateInput):
    """The browser's date picker, which reads and writes ISO dates only: a value rendered in the
    language's format (en-gb: 31/12/2026) would show as empty and be lost on the next save."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:
        super().__init__(attrs, format=format or "%Y-%m-%d")


class PracticeAreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: PracticeArea) -> str:
        return f"{obj.parent.name} › {obj.name}" if obj.parent_id else obj.name


def _practice_areas() -> Any:
    return PracticeArea.objects.select_related("parent").order_by("parent__name", "name")


class MatterForm(forms.Form):
    title = forms.CharField(max_length=200)
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), help_text="Shown to candidate lawyers."
    )
    confidential_details = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Client names, deal terms: lawyers see these only after accepting the NDA.",
    )
    practice_area = PracticeAreaChoiceField(queryset=_practice_areas())
    start_date = forms.DateField(widget=DateInput)
    end_date = forms.DateField(widget=DateInput)
    engagement_model = forms.ChoiceField(choices=Matter.EngagementModel.choices)
    is_pilot = forms.BooleanField(required=False, label="This is a pilot")
    rate_cap = forms.DecimalField(
        required=False, max_digits=10, decimal_places=2, help_text="Highest hourly rate you will pay."
    )
    budget_total = forms.DecimalField(required=False, max_digits=14, decimal_places=2, label="Total budget")
    currency = forms.CharField(
        max_length=3,
        min_length=3,
        initial="USD",
        help_text="ISO 4217 code of the rate cap and budget, e.g. EUR.",
        widget=forms.TextInput(attrs={"list": "currency-codes", "autocomplete": "off"}),
    )
    required_languages = forms.CharField(
        required=False,
        label="Languages",
        help_text="ISO 639-1 codes every lawyer must speak, separated by commas, e.g. en, de.",
    )
    counterparties = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Other parties to the matter, one per line: used for the conflict check.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.known_currencies = currencies_with_exchange_rates()

    @classmethod
    def initial_for(cls, matter: Matter) -> dict[str, Any]:
        return {
            "title": matter.title,
            "summary": matter.summary,
            "confidential_details": matter.confidential_details,
            "practice_area": matter.practice_area_id,
            "start_date": matter.start_date,
            "end_date": matter.end_date,
            "engagement_model": matter.engagement_model,
            "is_pilot": matter.is_pilot,
            "rate_cap": matter.rate_cap,
            "budget_total": matter.budget_total,
            "currency": matter.currency,
            "required_languages": ", ".join(matter.required_languages),
            "counterparties": "\n".join(matter.counterparties),
        }

    def clean_currency(self) -> str:
        return self.cleaned_data["currency"].strip().upper()

    def clean_required_languages(self) -> list[str]:
        raw = self.cleaned_data.get("required_languages") or ""
        try:
            return rules.language_codes_clean(raw.replace(";", ",").split(","))
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_counterparties(self) -> list[str]:
        return [line for line in (self.cleaned_data.get("counterparties") or "").splitlines() if line.strip()]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        problems = rules.matter_problems(
            start_date=data.get("start_date"),
            end_date=data.get("end_date"),
            rate_cap=data.get("rate_cap"),
            budget_total=data.get("budget_total"),
            currency=data.get("currency", "") if "currency" not in self.errors else "-",
            known_currencies=self.known_currencies,
        )
        for problem in problems:
            if problem.field and problem.field not in self.errors:
                self.add_error(problem.field, problem.message)
        return data

    def to_input(self) -> MatterInput:
        data = self.cleaned_data
        return MatterInput(
            title=data["title"],
            summary=data["summary"],
            confidential_details=data["confidential_details"],
            practice_area=data["practice_area"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            engagement_model=data["engagement_model"],
            is_pilot=data["is_pilot"],
            rate_cap=data["rate_cap"],
            budget_total=data["budget_total"],
            currency=data["currency"],
            required_languages=data["required_languages"],
            counterparties=data["counterparties"],
        )


class SeatForm(forms.Form):
    seat_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    label = forms.CharField(max_length=120, required=False, help_text="Optional, e.g. “Lead counsel”.")
    jurisdiction = forms.ModelChoiceField(
        queryset=Jurisdiction.objects.filter(is_active=True).order_by("name")
    )
    practice_area = PracticeAreaChoiceField(queryset=_practice_areas())
    min_seniority_years = forms.IntegerField(
        min_value=0, max_value=rules.SENIORITY_YEARS_MAX, initial=0, label="Minimum seniority (years)"
    )
    hours_per_week = forms.DecimalField(max_digits=4, decimal_places=1, label="Hours per week")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        hours = data.get("hours_per_week")
        if hours is not None and not (Decimal(0) < hours <= rules.HOURS_PER_WEEK_MAX):
            self.add_error(
                "hours_per_week",
                f"Hours per week must be more than 0 and at most {rules.HOURS_PER_WEEK_MAX}.",
            )
        return data

    def to_input(self) -> SeatInput:
        data = self.cleaned_data
        return SeatInput(
            seat_id=data.get("seat_id"),
            label=data.get("label", ""),
            jurisdiction=data["jurisdiction"],
            practice_area=data["practice_area"],
            min_seniority_years=data["min_seniority_years"],
            hours_per_week=data["hours_per_week"],
        )


class BaseSeatFormSet(BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        if not self.seat_inputs():
            raise forms.ValidationError(
                "Add at least one seat: the position to staff, with its jurisdiction.", code="no_seats"
            )

    def seat_inputs(self) -> list[SeatInput]:
        return [
            form.to_input()
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


SeatFormSet = formset_factory(SeatForm, formset=BaseSeatFormSet, extra=0, can_delete=True)


def seat_initial(matter: Matter) -> list[dict[str, Any]]:
    return [
        {
            "seat_id": seat.pk,
            "label": seat.label,
            "jurisdiction": seat.jurisdiction_id,
            "practice_area": seat.practice_area_id,
            "min_seniority_years": seat.min_seniority_years,
            "hours_per_week": seat.hours_per_week,
        }
        for seat in matter.seats.all()
    ]


class CancelForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), help_text="Kept with the matter's history."
    )

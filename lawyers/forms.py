"""Portal forms: the basics, one formset per list section, and the document upload."""

from typing import Any

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils import timezone

from jurisdictions.models import Jurisdiction, PracticeArea
from lawyers.models import (
    BarAdmission,
    DeclaredConflict,
    Document,
    Experience,
    LanguageSkill,
    LawyerProfile,
    PracticeAreaExperience,
    Unavailability,
)
from lawyers.rules import currency_choices, language_choices, normalise_organisation_name
from lawyers.uploads import document_max_bytes

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProfileBasicsForm(forms.ModelForm):
    rate_currency = forms.ChoiceField(label="Currency", required=False)

    class Meta:
        model = LawyerProfile
        fields = ["headline", "bio", "hourly_rate", "rate_currency", "weekly_capacity_hours"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 5})}
        labels = {"hourly_rate": "Hourly rate", "weekly_capacity_hours": "Weekly capacity (hours)"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rate_currency"].choices = [("", "—"), *currency_choices()]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (data.get("hourly_rate") is None) != (not data.get("rate_currency")):
            self.add_error("rate_currency", "Give the hourly rate and its currency together.")
        return data


class _ProfileItemFormSet(BaseInlineFormSet):
    """Inline formsets over the profile; the fk never comes from the browser."""


class BarAdmissionForm(forms.ModelForm):
    class Meta:
        model = BarAdmission
        fields = ["jurisdiction", "registration_number", "year_admitted"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = Jurisdiction.objects.filter(is_active=True).order_by("name")
        self.fields["year_admitted"].widget.attrs.update({"min": 1940, "max": timezone.localdate().year})
        if self.instance.pk and self.instance.verified_at:
            self.fields["registration_number"].help_text = (
                "Verified. Changing the number, jurisdiction or year makes it unverified "
                "until staff check it again."
            )

    def clean_year_admitted(self) -> int:
        year = self.cleaned_data["year_admitted"]
        if year > timezone.localdate().year:
            raise forms.ValidationError("The year of admission cannot be in the future.")
        return year

    def clean_registration_number(self) -> str:
        number = self.cleaned_data["registration_number"].strip()
        if not number:
            raise forms.ValidationError("Enter the registration number.")
        return number


class PracticeAreaExperienceForm(forms.ModelForm):
    class Meta:
        model = PracticeAreaExperience
        fields = ["practice_area", "years", "proficiency"]
        labels = {"years": "Years of experience"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["practice_area"].queryset = PracticeArea.objects.select_related("parent").order_by(
            "parent__name", "name"
        )


class LanguageSkillForm(forms.ModelForm):
    code = forms.ChoiceField(label="Language")

    class Meta:
        model = LanguageSkill
        fields = ["code", "level"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [("", "—"), *language_choices()]


class ExperienceForm(forms.ModelForm):
    class Meta:
        model = Experience
        fields = ["organisation", "role", "kind", "start_date", "end_date"]
        widgets = {"start_date": DATE, "end_date": DATE}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and start > timezone.localdate():
            self.add_error("start_date", "The start date cannot be in the future.")
        if start and end and end < start:
            self.add_error("end_date", "The end date must be on or after the start date.")
        return data


class UnavailabilityForm(forms.ModelForm):
    class Meta:
        model = Unavailability
        fields = ["start", "end", "reason"]
        widgets = {"start": DATE, "end": DATE}
        labels = {"start": "First day", "end": "Last day"}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "The last day must be on or after the first day.")
        return data


class DeclaredConflictForm(forms.ModelForm):
    class Meta:
        model = DeclaredConflict
        fields = ["organisation", "note"]


class DeclaredConflictFormSet(_ProfileItemFormSet):
    def clean(self) -> None:
        super().clean()
        seen: set[str] = set()
        for form in self.forms:
            if not form.has_changed() and not form.instance.pk:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            name = normalise_organisation_name(form.cleaned_data.get("organisation", ""))
            if name and name in seen:
                form.add_error("organisation", "This organisation is already listed.")
            seen.add(name)


def _formset(model: type, form: type, formset: type = _ProfileItemFormSet, extra: int = 1) -> type:
    return inlineformset_factory(
        LawyerProfile,
        model,
        form=form,
        formset=formset,
        extra=extra,
        can_delete=True,
        max_num=50,
        validate_max=True,
    )


FORMSETS: dict[str, type] = {
    "admissions": _formset(BarAdmission, BarAdmissionForm),
    "practice_areas": _formset(PracticeAreaExperience, PracticeAreaExperienceForm),
    "languages": _formset(LanguageSkill, LanguageSkillForm),
    "experiences": _formset(Experience, ExperienceForm),
    "unavailabilities": _formset(Unavailability, UnavailabilityForm),
    "declared_conflicts": _formset(DeclaredConflict, DeclaredConflictForm, DeclaredConflictFormSet),
}


class DocumentUploadForm(forms.Form):
    kind = forms.ChoiceField(choices=Document.Kind.choices, label="Document")
    file = forms.FileField(
        help_text="PDF or Word (.docx). The file's content is checked, not its name.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,application/pdf"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = document_max_bytes() / 1_048_576
        self.fields["file"].help_text = f"PDF or Word (.docx), up to {limit:.0f} MB. The content is checked."


class DecisionReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text="The lawyer reads this in their email and on their profile.",
    )

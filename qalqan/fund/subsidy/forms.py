"""Forms of the subsidy run pages."""
from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _


class RunStartForm(forms.Form):
    period = forms.CharField(label=_("Month paid for (YYYY-MM)"), max_length=7,
                             widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-03",
                                                           "pattern": r"\d{4}-\d{2}"}))

    def clean_period(self) -> date:
        value = self.cleaned_data["period"].strip()
        year, _sep, month = value.partition("-")
        if len(year) != 4 or len(month) != 2 or not (year.isdigit() and month.isdigit()) or not 1 <= int(month) <= 12:
            raise forms.ValidationError(_("Enter the month as YYYY-MM, e.g. 2026-03."))
        return date(int(year), int(month), 1)


class LinesFilterForm(forms.Form):
    source = forms.ChoiceField(label=_("Source"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)

    def __init__(self, *args, sources: list[str], regions: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [("", _("all"))] + [(s, s) for s in sources]
        self.fields["region"].choices = [("", _("all"))] + regions

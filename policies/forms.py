from django import forms
from django.utils.translation import gettext_lazy as _

from qalqan.core.kzid import is_valid_iin


class IinForm(forms.Form):
    iin = forms.CharField(label=_("ИИН"), min_length=12, max_length=12,
                          widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "username"}))

    def clean_iin(self):
        iin = self.cleaned_data["iin"].strip()
        if not is_valid_iin(iin):
            raise forms.ValidationError(_("This is not a valid ИИН."))
        return iin


class CodeForm(forms.Form):
    code = forms.CharField(label=_("One-time code"), min_length=6, max_length=6,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))


class StartDateForm(forms.Form):
    start_date = forms.DateField(label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"}))


class TopUpForm(forms.Form):
    amount_tenge = forms.IntegerField(label=_("Top-up amount, ₸"), min_value=1, max_value=100_000_000)


class NotifyPreferenceForm(forms.Form):
    """How messages reach me; the rules (e-mail needs an address) are qalqan.people.preferences'."""

    notify_channel = forms.ChoiceField(label=_("Send my messages by"), widget=forms.RadioSelect, choices=[
        ("sms", _("SMS to my phone")), ("email", _("E-mail")), ("push", _("Web push in this browser"))])
    email = forms.EmailField(label=_("E-mail address"), required=False, max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))

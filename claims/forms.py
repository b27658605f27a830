"""Forms of the clinic and insurer pages. A batch file is CSV (with a header row) or a JSON list."""
import csv
import io
import json
from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from qalqan.core.money import tenge_to_tiyn

from .checks import EventItem
from .models import InsuredEvent
from .selectors import EventFilters

MAX_UPLOAD_ROWS = 1000
FIELDS = ("event_id", "iin", "service_code", "icd10", "service_date", "amount_tiyn", "benefit")


class EventForm(forms.Form):
    event_id = forms.CharField(label=_("Event id in your system"), max_length=64)
    iin = forms.CharField(label=_("Patient's ИИН"), min_length=12, max_length=12)
    service_code = forms.CharField(label=_("Service code"), max_length=16)
    icd10 = forms.CharField(label=_("ICD-10 code"), max_length=8)
    service_date = forms.DateField(label=_("Service date"), widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.DecimalField(label=_("Amount, ₸"), max_digits=14, decimal_places=2)
    benefit = forms.CharField(label=_("Benefit"), max_length=32)

    def item(self) -> EventItem:
        d = self.cleaned_data
        return EventItem(event_id=d["event_id"], iin=d["iin"], service_code=d["service_code"],
                         icd10=d["icd10"].upper(), service_date=d["service_date"],
                         amount_tiyn=tenge_to_tiyn(d["amount"]), benefit=d["benefit"])


class BatchUploadForm(forms.Form):
    file = forms.FileField(label=_("Batch file (CSV with a header row, or JSON)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        raw = upload.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not UTF-8 text.")) from None
        rows = _parse(text, upload.name or "")
        if not rows:
            raise forms.ValidationError(_("The file holds no events."))
        if len(rows) > MAX_UPLOAD_ROWS:
            raise forms.ValidationError(_("A batch holds at most %(n)s events.") % {"n": MAX_UPLOAD_ROWS})
        return rows


def _parse(text: str, name: str) -> list[dict]:
    if name.lower().endswith(".json") or text.lstrip().startswith("["):
        try:
            data = json.loads(text)
        except ValueError:
            raise forms.ValidationError(_("The JSON file cannot be read.")) from None
        if not isinstance(data, list) or not all(isinstance(x, dict) for x in data):
            raise forms.ValidationError(_("The JSON file must hold a list of events."))
        return data
    reader = csv.DictReader(io.StringIO(text))
    missing = set(FIELDS) - set(reader.fieldnames or [])
    if missing:
        raise forms.ValidationError(_("The CSV header lacks: %(f)s") % {"f": ", ".join(sorted(missing))})
    return [dict(row) for row in reader]


def parse_row(row: dict) -> EventItem:
    """One uploaded row → an EventItem, or ValueError with what is wrong."""
    try:
        values = {f: str(row[f]).strip() for f in FIELDS}
    except KeyError as exc:
        raise ValueError(f"missing {exc.args[0]}") from None
    if not values["event_id"] or len(values["event_id"]) > 64:
        raise ValueError("event_id must be 1..64 characters")
    if len(values["iin"]) > 12 or len(values["service_code"]) > 16 or len(values["icd10"]) > 8:
        raise ValueError("a field is too long")
    return EventItem(event_id=values["event_id"], iin=values["iin"], service_code=values["service_code"],
                     icd10=values["icd10"].upper(), service_date=date.fromisoformat(values["service_date"]),
                     amount_tiyn=int(values["amount_tiyn"]), benefit=values["benefit"])


class ApproveForm(forms.Form):
    approved = forms.DecimalField(label=_("Approve, ₸ (empty: all the limit allows)"), required=False,
                                  max_digits=14, decimal_places=2, min_value=0.01)


class DenyForm(forms.Form):
    reason_code = forms.RegexField(label=_("Reason code"), regex=r"^[a-z0-9_]+$", max_length=64)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class EventFilterForm(forms.Form):
    """The queue's filters (a GET form); `filters()` gives what selectors.events_filtered takes."""

    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("all"))] + list(InsuredEvent.Status.choices))
    clinic = forms.SlugField(label=_("Clinic code"), required=False, max_length=64)
    flagged = forms.TypedChoiceField(label=_("Flags"), required=False, empty_value=None,
                                     coerce=lambda v: v == "yes",
                                     choices=[("", _("all")), ("yes", _("flagged")), ("no", _("not flagged"))])
    benefit = forms.SlugField(label=_("Benefit"), required=False, max_length=32)
    date_from = forms.DateField(label=_("Service date from"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Service date to"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, with_clinic: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_clinic:
            del self.fields["clinic"]

    def filters(self) -> EventFilters:
        if not self.is_valid():
            return EventFilters()
        values = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        wanted = EventFilters(**values)
        return EventFilters() if wanted.problems() else wanted


class BulkDenyForm(forms.Form):
    reason_code = forms.RegexField(label=_("Reason code for the selected"), regex=r"^[a-z0-9_]+$", max_length=64)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000)


class ClaimRuleForm(forms.Form):
    """A product's auto-approval rule, as the insurer's staff edit it (the amount in tenge)."""

    auto_approve = forms.BooleanField(label=_("Approve low-risk events automatically"), required=False)
    max_amount = forms.DecimalField(label=_("Up to the amount, ₸"), min_value=0, max_digits=14, decimal_places=2)
    requires_patient_confirmation = forms.BooleanField(
        label=_("Only events the patient confirmed (silence is not enough)"), required=False)
    allow_above_tariff = forms.BooleanField(label=_("Accept amounts above the service tariff"), required=False)

    def values(self) -> dict:
        d = self.cleaned_data
        return {"auto_approve": d["auto_approve"], "max_amount_tiyn": tenge_to_tiyn(d["max_amount"]),
                "requires_patient_confirmation": d["requires_patient_confirmation"],
                "allow_above_tariff": d["allow_above_tariff"]}

"""Forms of the feed pages."""
from django import forms
from django.utils.translation import gettext_lazy as _

from qalqan.orgs.models import Organisation

STATES = [("", _("all")), ("pending", _("waiting")), ("failing", _("failing (retrying)")),
          ("delivered", _("delivered")), ("dead", _("dead letters"))]


class EndpointForm(forms.Form):
    insurer = forms.ChoiceField(label=_("Insurer"))
    url = forms.URLField(label=_("Webhook URL"), max_length=500, assume_scheme="https")
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["insurer"].choices = list(Organisation.objects.filter(kind=Organisation.Kind.INSURER)
                                              .order_by("code").values_list("code", "name"))


class DeliveryFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), choices=STATES, required=False)
    insurer = forms.ChoiceField(label=_("Insurer"), required=False)

    def __init__(self, *args, insurers: list[tuple[str, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if insurers is None:
            del self.fields["insurer"]
        else:
            self.fields["insurer"].choices = [("", _("all"))] + insurers

    def filter(self, messages):
        if not self.is_valid():
            return messages
        state = self.cleaned_data["state"]
        if state == "pending":
            messages = messages.filter(delivered_at__isnull=True, dead_at__isnull=True)
        elif state == "failing":
            messages = messages.filter(delivered_at__isnull=True, dead_at__isnull=True, attempts__gt=0)
        elif state == "delivered":
            messages = messages.filter(delivered_at__isnull=False)
        elif state == "dead":
            messages = messages.filter(dead_at__isnull=False)
        if self.cleaned_data.get("insurer"):
            messages = messages.filter(insurer__code=self.cleaned_data["insurer"])
        return messages


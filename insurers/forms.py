"""The back office's product form: one page publishes a product or a new version of it.

Amounts are typed in whole tenge and stored in tiyn; each benefit of the reference table gets a limit and a
waiting-period field (left empty = not covered). The form only parses; insurers.services.product_publish
decides (the same rules as the API).
"""
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from qalqan.refdata.models import Region

from .models import Product
from .services import BenefitIn

TIYN_PER_TENGE = 100


class ProductForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=64,
                           help_text=_("Publishing again with the same code makes a new version."))
    name = forms.CharField(label=_("Name"), max_length=255)
    kind = forms.ChoiceField(label=_("Kind"), choices=Product.Kind.choices)
    annual_premium_tenge = forms.IntegerField(
        label=_("Annual premium, ₸"), min_value=0, required=False,
        help_text=_("Only for ОСМС + ДМС; the fund prices the basic package."))
    regions = forms.MultipleChoiceField(label=_("Regions served"), required=False,
                                        widget=forms.CheckboxSelectMultiple,
                                        help_text=_("None ticked means every region."))
    min_age = forms.IntegerField(label=_("Minimum age"), min_value=0, max_value=150, required=False)
    max_age = forms.IntegerField(label=_("Maximum age (inclusive)"), min_value=0, max_value=150, required=False)
    topup_limit_per_tiyn = forms.DecimalField(
        label=_("Limit added per tenge of top-up"), min_value=Decimal("0"), max_digits=8, decimal_places=3,
        required=False, initial=Decimal("1"))
    valid_from = forms.DateField(label=_("On sale from"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, benefits=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regions"].choices = [(r.code, r.name) for r in Region.objects.order_by("code")]
        self.benefit_rows = []
        for benefit in benefits:
            limit = forms.IntegerField(label=_("%(name)s: limit a year, ₸") % {"name": benefit.name},
                                       min_value=0, required=False)
            waiting = forms.IntegerField(label=_("%(name)s: waiting days") % {"name": benefit.name},
                                         min_value=0, max_value=365, required=False)
            self.fields[f"limit_{benefit.code}"] = limit
            self.fields[f"waiting_{benefit.code}"] = waiting
            self.benefit_rows.append((benefit, self[f"limit_{benefit.code}"], self[f"waiting_{benefit.code}"]))

    def publish_arguments(self) -> dict:
        """Keyword arguments for product_publish (call after is_valid())."""
        data = self.cleaned_data
        benefits = [BenefitIn(code=b.code, limit_tiyn=data[f"limit_{b.code}"] * TIYN_PER_TENGE,
                              waiting_days=data[f"waiting_{b.code}"] or 0)
                    for b, _limit, _waiting in self.benefit_rows if data.get(f"limit_{b.code}") is not None]
        return {
            "code": data["code"], "name": data["name"], "kind": data["kind"],
            "annual_premium_tiyn": (data["annual_premium_tenge"] or 0) * TIYN_PER_TENGE, "benefits": benefits,
            "regions": data["regions"], "min_age": data["min_age"], "max_age": data["max_age"],
            "topup_limit_per_tiyn": data["topup_limit_per_tiyn"], "valid_from": data["valid_from"],
        }

    def add_problem(self, problem) -> None:
        """Show a service refusal (problem+json errors) next to the field it names."""
        field = _field_for((problem.errors or [{}])[0].get("field", ""), self)
        self.add_error(field, problem.detail)


def _field_for(api_field: str, form: ProductForm) -> str | None:
    """Map an API error field (e.g. `benefits.0.limit_tiyn`, `annual_premium_tiyn`) to a form field."""
    if api_field.startswith("benefits."):
        index = int(api_field.split(".")[1])
        rows = [b for b, _l, _w in form.benefit_rows if form.cleaned_data.get(f"limit_{b.code}") is not None]
        return f"limit_{rows[index].code}" if index < len(rows) else None
    mapped = {"annual_premium_tiyn": "annual_premium_tenge"}.get(api_field, api_field)
    return mapped if mapped in form.fields else None


def initial_from(offer) -> dict:
    """Prefill the form with the version on sale, for publishing the next version."""
    product, version = offer.product, offer.version
    initial = {
        "code": product.code, "name": product.name, "kind": product.kind,
        "annual_premium_tenge": version.annual_premium_tiyn // TIYN_PER_TENGE or None, "regions": version.regions,
        "min_age": version.min_age, "max_age": version.max_age, "topup_limit_per_tiyn": version.topup_limit_per_tiyn,
    }
    for b in version.benefits.all():
        initial[f"limit_{b.benefit}"] = b.limit_tiyn // TIYN_PER_TENGE
        initial[f"waiting_{b.benefit}"] = b.waiting_days or None
    return initial

"""Fund staff keep the reference tables in Wagtail admin (/cms/ → Reference data), with history.

Every create, edit and delete made here is written to Wagtail's audit log (the "History" tab of each
row and Reports → Site history). Only fund staff see the menu (see permissions.py).
"""
from django.utils.translation import gettext_lazy as _
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from claims.models import ServiceTariff
from insurers.models import AgeSexCoefficient, BasicTariff
from qalqan.refdata.models import Benefit, BenefitCategory, Region

from .permissions import FundStaffPermissionPolicy
from .services import REFERENCE_MODELS

for _model in REFERENCE_MODELS:
    register_permission_policy(_model, FundStaffPermissionPolicy(_model), exact_class=True)


class RegionViewSet(SnippetViewSet):
    model = Region
    icon = "site"
    menu_label = _("Regions")
    list_display = ["code", "name_kk", "name_ru", "name_en"]
    search_fields = ["code", "name_kk", "name_ru", "name_en"]
    ordering = ["code"]


class BenefitCategoryViewSet(SnippetViewSet):
    model = BenefitCategory
    icon = "group"
    menu_label = _("Benefit categories")
    list_display = ["code", "name_ru", "group", "payer", "valid_from", "valid_to"]
    list_filter = ["group", "payer"]
    search_fields = ["code", "name_kk", "name_ru", "name_en"]


class BenefitViewSet(SnippetViewSet):
    model = Benefit
    icon = "doc-full"
    menu_label = _("Benefit codes")
    list_display = ["code", "name_ru", "package", "valid_from", "valid_to"]
    list_filter = ["package"]
    search_fields = ["code", "name_kk", "name_ru", "name_en"]


class BasicTariffViewSet(SnippetViewSet):
    """The fund's dated annual per-person price of the basic ОСМС package (before the age-sex coefficient)."""

    model = BasicTariff
    icon = "tag"
    menu_label = _("Basic ОСМС tariffs")
    list_display = ["annual_tiyn", "valid_from", "valid_to", "note"]
    ordering = ["-valid_from"]


class AgeSexCoefficientViewSet(SnippetViewSet):
    model = AgeSexCoefficient
    icon = "pick"
    menu_label = _("Age-sex coefficients")
    list_display = ["sex", "age_from", "age_to", "coefficient", "valid_from", "valid_to"]
    list_filter = ["sex"]
    ordering = ["-valid_from", "sex", "age_from"]


class ServiceTariffViewSet(SnippetViewSet):
    model = ServiceTariff
    icon = "list-ul"
    menu_label = _("Service tariffs")
    list_display = ["code", "name_ru", "benefit", "tariff_tiyn", "valid_from", "valid_to"]
    search_fields = ["code", "name_kk", "name_ru", "name_en", "benefit"]


class ReferenceDataGroup(SnippetViewSetGroup):
    menu_label = _("Reference data")
    menu_icon = "table"
    menu_order = 250
    items = (RegionViewSet, BenefitCategoryViewSet, BenefitViewSet, BasicTariffViewSet, AgeSexCoefficientViewSet,
             ServiceTariffViewSet)


register_snippet(ReferenceDataGroup)

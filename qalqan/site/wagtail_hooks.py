"""Fund staff keep the reference tables in Wagtail admin (/cms/ → Reference data), with history.

Every create, edit and delete made here is written to Wagtail's audit log (the "History" tab of each
row and Reports → Site history). Only fund staff see the menu (see permissions.py).
"""
from django.utils.translation import gettext_lazy as _
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from qalqan.refdata.models import Benefit, BenefitCategory, Region

from .permissions import FundStaffPermissionPolicy

for _model in (Region, BenefitCategory, Benefit):
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


class ReferenceDataGroup(SnippetViewSetGroup):
    menu_label = _("Reference data")
    menu_icon = "table"
    menu_order = 250
    items = (RegionViewSet, BenefitCategoryViewSet, BenefitViewSet)


register_snippet(ReferenceDataGroup)

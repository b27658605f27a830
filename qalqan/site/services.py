"""Wagtail admin groups for staff (idempotent)."""
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.models import GroupPagePermission, Page

from claims.models import ServiceTariff
from insurers.models import AgeSexCoefficient, BasicTariff
from qalqan.orgs.models import Organisation
from qalqan.refdata.models import Benefit, BenefitCategory, Region

FUND_EDITORS = "Fund editors"
REFERENCE_MODELS = (Region, BenefitCategory, Benefit, BasicTariff, AgeSexCoefficient, ServiceTariff)
PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")


@transaction.atomic
def cms_groups_sync() -> Group:
    """The group fund staff join to edit the public pages and the reference tables in /cms/."""
    group, _ = Group.objects.get_or_create(name=FUND_EDITORS)
    permissions = [Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")]
    for model in REFERENCE_MODELS:
        content_type = ContentType.objects.get_for_model(model)
        permissions += Permission.objects.filter(
            content_type=content_type, codename__in=[f"{action}_{model._meta.model_name}"
                                                     for action in ("add", "change", "delete", "view")])
    group.permissions.add(*permissions)
    root = Page.get_first_root_node()
    if root is not None:
        page_type = ContentType.objects.get_for_model(Page)
        for codename in PAGE_PERMISSIONS:
            permission = Permission.objects.get(content_type=page_type, codename=codename)
            GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)
    return group


@transaction.atomic
def cms_editor_grant(*, user) -> None:
    """Let a fund staff member edit in /cms/; staff of insurers and clinics are refused."""
    membership = getattr(user, "membership", None)
    if membership is None or membership.organisation.kind != Organisation.Kind.FUND:
        raise PermissionError("only fund staff edit the public site and the reference tables")
    user.groups.add(cms_groups_sync())

"""Who may edit the reference tables in Wagtail admin: fund staff only.

Model permissions come from the "Fund editors" group; on top of them the policy checks the user's
organisation, so a permission granted by mistake to an insurer's or clinic's staff member still shows
them nothing.
"""
from wagtail.permission_policies import ModelPermissionPolicy

from qalqan.orgs.models import Organisation


def is_fund_staff(user) -> bool:
    if not (user.is_active and user.is_authenticated):
        return False
    if user.is_superuser:
        return True
    membership = getattr(user, "membership", None)
    return membership is not None and membership.organisation.kind == Organisation.Kind.FUND


class FundStaffPermissionPolicy(ModelPermissionPolicy):
    def user_has_permission(self, user, action):
        return is_fund_staff(user) and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return is_fund_staff(user) and super().user_has_any_permission(user, actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        users = super().users_with_any_permission(actions)
        return users.filter(is_superuser=True) | users.filter(membership__organisation__kind=Organisation.Kind.FUND)

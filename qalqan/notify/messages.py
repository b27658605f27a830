"""Message texts by kind, in the three languages (the backend picks the person's; Kazakh by default)."""
from django.utils import translation
from django.utils.translation import gettext as _

TEMPLATES = {
    "login_code": lambda c: _("Qalqan sign-in code: %(code)s. Do not share it.") % c,
    "policy_issued": lambda c: _("Your policy %(number)s is issued. Premium due: %(due)s.") % c,
    "policy_paid": lambda c: _("Payment received: policy %(number)s is active until %(valid_until)s.") % c,
    "policy_suspended": lambda c: _("Policy %(number)s is suspended: your insurance status has lapsed.") % c,
    "policy_resumed": lambda c: _("Policy %(number)s is active again.") % c,
    "policy_expiring": lambda c: _("Policy %(number)s expires on %(valid_until)s. Renew it in Qalqan.") % c,
    "policy_cancelled": lambda c: _("Policy %(number)s is cancelled. Refund: %(refund)s.") % c,
    "topup_applied": lambda c: _("Top-up applied to policy %(number)s: limits raised.") % c,
    "claim_reported": lambda c: _("%(clinic)s billed your insurance for the service %(service)s of %(date)s "
                                  "(%(amount)s). Not received? Dispute it by %(deadline)s: %(link)s") % c,
}


def render(kind: str, context: dict, language: str = "kk") -> str:
    template = TEMPLATES.get(kind)
    with translation.override(language):
        if template is None:
            return f"{kind}: {context}"
        try:
            return template(context)
        except KeyError:
            return f"{kind}: {context}"



class _Placeholders(dict):
    """A context that puts every `%(name)s` back: the template translated once, with its slots still open."""

    def __missing__(self, key):
        return f"%({key})s"


def render_many(kind: str, contexts: list[dict], language: str = "kk") -> list[str]:
    """`render` for a batch: one language switch and one catalogue look-up for all the messages."""
    template = TEMPLATES.get(kind)
    if template is None or not contexts:
        return [render(kind, context, language) for context in contexts]
    with translation.override(language):
        pattern = template(_Placeholders())
    bodies = []
    for context in contexts:
        try:
            bodies.append(pattern % context)
        except (KeyError, TypeError, ValueError):
            bodies.append(render(kind, context, language))
    return bodies

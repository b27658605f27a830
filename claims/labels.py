"""People-facing, translatable names of the machine-readable codes that events carry (reasons, flags, states).
The API answers codes and English messages; pages show these labels in the reader's language."""
from django.utils.translation import gettext_lazy as _

from . import checks
from .models import ClinicFlag, InsuredEvent, Settlement

REASONS = {
    checks.INVALID_IIN: _("The ИИН is not valid"),
    checks.UNKNOWN_PERSON: _("No person with this ИИН is registered"),
    checks.NO_POLICY: _("No live policy on the service date"),
    checks.BENEFIT_NOT_COVERED: _("The policy does not cover this benefit"),
    checks.BENEFIT_WAITING: _("The benefit's waiting period has not ended"),
    checks.UNKNOWN_SERVICE: _("Unknown service code on the service date"),
    checks.BENEFIT_MISMATCH: _("The service belongs to another benefit"),
    checks.INVALID_ICD10: _("The ICD-10 code is not of a valid shape"),
    checks.AMOUNT_NOT_POSITIVE: _("The amount must be above zero"),
    checks.AMOUNT_ABOVE_TARIFF: _("The amount is above the tariff"),
    checks.DATE_IN_FUTURE: _("The service date is in the future"),
    checks.DATE_TOO_OLD: _("The service is older than the filing window"),
    "dispute_upheld": _("The patient's dispute was upheld"),
}
FLAGS = dict(ClinicFlag.Kind.choices)
STATES = {**dict(InsuredEvent.Status.choices), **{f"settlement:{k}": v for k, v in Settlement.Status.choices}}


def reason_label(reason: dict) -> str:
    return str(REASONS.get(reason.get("code"), reason.get("message") or reason.get("code", "")))


def reason_note(reason: dict) -> str:
    """The free text that goes with a reason a person gave (an insurer's or commissioner's comment); the format
    checks' own English messages are replaced by their labels."""
    return "" if reason.get("code") in checks.REASON_CODES else str(reason.get("message") or "")


def flag_label(code: str) -> str:
    return str(FLAGS.get(code, code))


def state_label(code: str) -> str:
    return str(STATES.get(code, code))

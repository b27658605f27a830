"""Every tenge of the policy flow, posted to the ledger. Keys make each posting happen once.

Directions (positive = into the account): a citizen's payment moves clearing:<provider> → the insurer's
premium account; a refund moves the insurer's premium account → refunds:payable (paid out later by the
payment provider). The fund's subsidy is not posted here: the monthly subsidy run pays it (source → fund
clearing → the insurer's premium account, qalqan.fund.subsidy.services).
"""
from collections.abc import Callable

from qalqan.ledger.models import Account
from qalqan.ledger.services import UnknownAccount, account_ensure, transfer_post
from qalqan.payments.services import (
    clearing_account,
    clearing_account_code,
    refunds_account,
)

from .instruments import premium_account_code


def premium_account(insurer) -> Account:
    return account_ensure(code=premium_account_code(insurer), kind=Account.Kind.INSURER_PREMIUM,
                          name=f"{insurer.name}: premiums", owner=insurer)


def fund_clearing_account() -> Account:
    return account_ensure(code="fund:clearing", kind=Account.Kind.FUND_CLEARING, name="Fund subsidy clearing")


def _post(*, key: str, lines: list[tuple[str, Callable[[], Account], int]], reason: str, ref) -> None:
    """Post by account code (the ledger looks the accounts up in its one call); only when it does not know one
    yet are the accounts opened (each line's `open`, account_ensure) and the transfer posted again."""
    try:
        transfer_post(key=key, lines=[(code, amount) for code, _, amount in lines], reason=reason, ref=ref)
    except UnknownAccount:
        transfer_post(key=key, lines=[(open_account(), amount) for _, open_account, amount in lines], reason=reason,
                      ref=ref)


def post_citizen_payment(*, key: str, provider: str, insurer, amount_tiyn: int, ref) -> None:
    _post(key=key, lines=[(clearing_account_code(provider), lambda: clearing_account(provider), -amount_tiyn),
                          (premium_account_code(insurer), lambda: premium_account(insurer), amount_tiyn)],
          reason="policy.premium", ref=ref)


def post_to_refunds(*, key: str, insurer, amount_tiyn: int, ref) -> None:
    transfer_post(key=key, lines=[(premium_account(insurer), -amount_tiyn), (refunds_account(), amount_tiyn)],
                  reason="policy.refund_owed", ref=ref)


def post_late_payment_to_refunds(*, key: str, provider: str, amount_tiyn: int, ref) -> None:
    """A payment that arrived after its policy was cancelled: it is owed back in full."""
    transfer_post(key=key, lines=[(clearing_account(provider), -amount_tiyn), (refunds_account(), amount_tiyn)],
                  reason="policy.late_payment_refund", ref=ref)


def post_subsidy_return(*, key: str, insurer, amount_tiyn: int, ref) -> None:
    """The unearned subsidy of a cancelled policy whose whole-term subsidy was posted at activation
    (`subsidy_posted`, before the monthly run paid subsidies) goes back to the fund."""
    transfer_post(key=key, lines=[(premium_account(insurer), -amount_tiyn), (fund_clearing_account(), amount_tiyn)],
                  reason="subsidy.return", ref=ref)

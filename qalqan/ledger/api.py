"""Ledger endpoints: the fund's trial balance and statements, an insurer's own statement and balance."""
from datetime import date

from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from qalqan.api.auth import fund_auth, insurer_auth
from qalqan.api.errors import NotFound, Unprocessable

from .pdf import statement_pdf
from .selectors import StatementTooLarge, account_statement, insurer_balance_tiyn, statement_target_for
from .services import trial_balance

router = Router(tags=["ledger"])

PDF_RESPONSE = {"responses": {"200": {"description": "the statement as a PDF",
                                      "content": {"application/pdf": {"schema": {"type": "string",
                                                                                 "format": "binary"}}}}}}


class AccountBalance(Schema):
    code: str
    balance_tiyn: int


class TrialBalanceOut(Schema):
    accounts: list[AccountBalance]
    total_tiyn: int


class BalanceOut(Schema):
    balance_tiyn: int


class StatementLine(Schema):
    id: int
    posted_on: date
    amount_tiyn: int
    balance_tiyn: int
    transfer: int
    key: str
    reason: str
    reverses: int | None


class StatementOut(Schema):
    account: str
    kind: str
    name: str
    currency: str
    from_: date = Field(alias="from")
    to: date
    opening_tiyn: int
    postings: list[StatementLine]
    closing_tiyn: int
    debits_tiyn: int
    credits_tiyn: int


def _period(date_from: date | None, date_to: date | None) -> tuple[date, date]:
    today = timezone.localdate()
    return date_from or today.replace(day=1), date_to or today


def _statement_response(request, *, code: str | None, date_from, date_to, as_pdf: bool):
    target = statement_target_for(request.principal, code)
    if target is None:
        raise NotFound()
    date_from, date_to = _period(date_from, date_to)
    try:
        statement = account_statement(target=target, date_from=date_from, date_to=date_to)
    except StatementTooLarge as exc:
        raise Unprocessable.for_field("to", str(exc)) from None
    if as_pdf:
        response = HttpResponse(statement_pdf(statement), content_type="application/pdf")
        name = target.code.replace(":", "-")
        response["Content-Disposition"] = f'inline; filename="statement-{name}-{date_from}-{date_to}.pdf"'
        return response
    return statement


def _wants_pdf(fmt: str) -> bool:
    if fmt not in ("json", "pdf"):
        raise Unprocessable.for_field("format", "format is json or pdf")
    return fmt == "pdf"


@router.get("/fund/ledger/trial-balance", auth=fund_auth, response=TrialBalanceOut,
            summary="Every account's balance; the total is zero")
def get_trial_balance(request):
    return trial_balance()


@router.get("/fund/ledger/accounts/{code}/statement", auth=fund_auth, response=StatementOut,
            summary="An account's postings in a period with opening and closing balance (?format=pdf for a PDF)",
            by_alias=True)
def get_account_statement(request, code: str, date_from: date | None = Query(None, alias="from"),
                          date_to: date | None = Query(None, alias="to"), format: str = "json"):
    return _statement_response(request, code=code, date_from=date_from, date_to=date_to,
                               as_pdf=_wants_pdf(format))


@router.get("/fund/ledger/accounts/{code}/statement/pdf", auth=fund_auth, summary="An account statement as PDF",
            openapi_extra=PDF_RESPONSE)
def get_account_statement_pdf(request, code: str, date_from: date | None = Query(None, alias="from"),
                              date_to: date | None = Query(None, alias="to")):
    return _statement_response(request, code=code, date_from=date_from, date_to=date_to, as_pdf=True)


@router.get("/insurer/ledger/statement", auth=insurer_auth, response=StatementOut, by_alias=True,
            summary="This insurer's premium account statement (?format=pdf for a PDF)")
def get_insurer_statement(request, date_from: date | None = Query(None, alias="from"),
                          date_to: date | None = Query(None, alias="to"), format: str = "json"):
    return _statement_response(request, code=None, date_from=date_from, date_to=date_to,
                               as_pdf=_wants_pdf(format))


@router.get("/insurer/ledger/statement/pdf", auth=insurer_auth, summary="This insurer's statement as PDF",
            openapi_extra=PDF_RESPONSE)
def get_insurer_statement_pdf(request, date_from: date | None = Query(None, alias="from"),
                              date_to: date | None = Query(None, alias="to")):
    return _statement_response(request, code=None, date_from=date_from, date_to=date_to, as_pdf=True)


@router.get("/insurer/balance", auth=insurer_auth, response=BalanceOut,
            summary="The balance of this insurer's premium account (0 before any money arrived)")
def get_insurer_balance(request):
    return {"balance_tiyn": insurer_balance_tiyn(request.principal)}

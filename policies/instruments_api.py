"""Public verification of a policy instrument by its number (the QR code on the policy PDF points here)."""
from datetime import date

from django.conf import settings
from ninja import Router, Schema
from ninja.throttling import AnonRateThrottle

from qalqan.api.errors import NotFound, Unprocessable

from .instruments import InvalidInstrumentNumber, instrument_by_number, valid_until


class PublicRateThrottle(AnonRateThrottle):
    """Per client address, at settings.API_RATE_PUBLIC (read on every request, so it can be changed live)."""

    scope = "policy_verify"

    def __init__(self):
        super().__init__(settings.API_RATE_PUBLIC)

    def allow_request(self, request) -> bool:
        if self.rate != settings.API_RATE_PUBLIC:
            self.rate = settings.API_RATE_PUBLIC
            self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)


router = Router(tags=["public"])


class VerifyOut(Schema):
    number: str
    status: str
    insurer: str
    insurer_code: str
    holder: str
    valid_from: date
    valid_until: date


@router.get("/policies/verify/{number}", auth=None, response=VerifyOut, throttle=[PublicRateThrottle()],
            summary="Check a policy by its instrument number: status, insurer, masked holder name, validity")
def verify_instrument(request, number: str):
    try:
        instrument = instrument_by_number(number)
    except InvalidInstrumentNumber:
        raise Unprocessable.for_field(
            "number", "not a valid instrument number (KZQ + 8 characters 0-9A-Z + a check digit)") from None
    if instrument is None:
        raise NotFound("No instrument with this number.")
    return {
        "number": instrument.number,
        "status": instrument.status,
        "insurer": instrument.custodian.name,
        "insurer_code": instrument.custodian.code,
        "holder": instrument.holder.masked_name,
        "valid_from": instrument.valid_from,
        "valid_until": valid_until(instrument),
    }

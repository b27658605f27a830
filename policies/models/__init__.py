from .application import Application
from .instruments import GENESIS_HASH, Instrument, InstrumentEvent
from .policy import Policy, PolicyBenefit, TopUp

__all__ = ["GENESIS_HASH", "Instrument", "InstrumentEvent", "Application", "Policy", "PolicyBenefit", "TopUp"]

from .. import receivers  # noqa: E402,F401  (payment outcomes → the policy flow)

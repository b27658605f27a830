from .instruments import GENESIS_HASH, Instrument, InstrumentEvent

__all__ = ["GENESIS_HASH", "Instrument", "InstrumentEvent"]

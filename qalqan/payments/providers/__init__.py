"""Payment providers behind one interface; `provider_for(name)` picks one."""
from .base import PaymentProvider, ProviderError


def provider_for(name: str) -> PaymentProvider:
    from .pension import PensionSandboxProvider
    from .stripe import StripeProvider

    providers = {"stripe": StripeProvider, "pension": PensionSandboxProvider}
    if name not in providers:
        raise ValueError(f"unknown payment provider {name!r}")
    return providers[name]()


__all__ = ["PaymentProvider", "ProviderError", "provider_for"]

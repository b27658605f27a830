from django.dispatch import Signal

# Sent inside the transaction that marks a payment succeeded (kwargs: payment). Receivers apply the effect
# (activate the policy, apply the top-up) in that same transaction: one effect, or none if it rolls back.
payment_succeeded = Signal()
# Sent inside the transaction that marks a payment failed (kwargs: payment).
payment_failed = Signal()
